/*
 * Scan a Pass numérique's QR code with the phone camera and put its code in the form's code field.
 *
 * Progressive enhancement: the page works without this script (type the code). The scanner shows only when
 * the browser can open a camera (navigator.mediaDevices.getUserMedia) and the vendored jsQR decoder is loaded.
 * The QR code holds the check page's address, ".../pass/K7M3-XQ9P-2WRT-HB/": the code is taken from it.
 * Nothing leaves the browser: the images are decoded here and never sent.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-cordee-pass-scanner]");
  var field = document.querySelector("[data-cordee-pass-code]");
  if (!box || !field || typeof window.jsQR !== "function") {
    return;
  }
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
    return;
  }
  var start = box.querySelector("[data-cordee-scan-start]");
  var stop = box.querySelector("[data-cordee-scan-stop]");
  var status = box.querySelector("[data-cordee-scan-status]");
  var video = box.querySelector("[data-cordee-scan-video]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  box.hidden = false;

  function codeFrom(text) {
    var match = /\/pass\/([^/?#]+)\/?/.exec(text);
    var raw = match ? decodeURIComponent(match[1]) : text;
    return raw.trim().toUpperCase();
  }

  function halt(message) {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
    if (message) {
      status.textContent = message;
    }
  }

  function tick() {
    if (!stream) {
      return;
    }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        field.value = codeFrom(found.data);
        halt("Code lu : " + field.value + ". Vérifiez le lieu, puis utilisez le pass.");
        field.focus();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  start.addEventListener("click", function () {
    status.textContent = "Ouverture de l'appareil photo…";
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        status.textContent = "Placez le code QR du pass devant l'appareil photo.";
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(tick); })
      .catch(function () {
        halt("L'appareil photo n'est pas disponible : tapez le code du pass.");
      });
  });
  stop.addEventListener("click", function () { halt("Appareil photo arrêté."); });
})();
