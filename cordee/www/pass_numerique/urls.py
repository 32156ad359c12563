from django.urls import path

from cordee.www.pass_numerique import claims, figures, holders, orders, public, redeem, views

app_name = "pass_numerique"

urlpatterns = [
    path("pass/", public.check_form, name="check_form"),
    path("pass/<str:code>/", public.check, name="check"),
    path("pass-numerique/", views.index, name="index"),
    path("pass-numerique/commandes/", orders.orders, name="orders"),
    path("pass-numerique/commandes/nouvelle/", orders.order_create, name="order_create"),
    path("pass-numerique/commandes/<int:pk>/", orders.order_detail, name="order"),
    path("pass-numerique/commandes/<int:pk>/modifier/", orders.order_edit, name="order_edit"),
    path("pass-numerique/commandes/<int:pk>/confirmer/", orders.order_confirm, name="order_confirm"),
    path("pass-numerique/commandes/<int:pk>/clore/", orders.order_close, name="order_close"),
    path("pass-numerique/commandes/<int:pk>/supprimer/", orders.order_delete, name="order_delete"),
    path("pass-numerique/commandes/<int:pk>/attribuer/", orders.order_allocate, name="order_allocate"),
    path("pass-numerique/commandes/<int:pk>/annuler/", orders.order_cancel, name="order_cancel"),
    path("pass-numerique/commandes/<int:pk>/impression/", orders.print_request, name="print_request"),
    path("pass-numerique/commandes/<int:pk>/impression/<int:job>/", orders.print_page, name="print"),
    path("pass-numerique/commandes/<int:pk>/impression/<int:job>/carnets.zip", orders.print_file, name="print_file"),
    path("pass-numerique/carnets/<int:pk>/", orders.book_detail, name="book"),
    path("pass-numerique/carnets/<int:pk>/carnet.pdf", orders.book_pdf, name="book_pdf"),
    path("pass-numerique/carnets/<int:pk>/deplacer/", orders.book_move, name="book_move"),
    path("pass-numerique/carnets/<int:pk>/perdu/", holders.book_lost, name="book_lost"),
    path("pass-numerique/stock/", holders.stock, name="stock"),
    path("pass-numerique/remise/", holders.distribute, name="distribute"),
    path("pass-numerique/utiliser/", redeem.redeem, name="redeem"),
    path("pass-numerique/releves/", claims.statement_list, name="statements"),
    path("pass-numerique/releves/<int:pk>/", claims.statement_detail, name="statement"),
    path("pass-numerique/releves/<int:pk>/decision/", claims.statement_decide, name="statement_decide"),
    path("pass-numerique/releves/<int:pk>/renvoi/", claims.statement_resubmit, name="statement_resubmit"),
    path("pass-numerique/releves/<int:pk>/releve.pdf", claims.statement_pdf, name="statement_pdf"),
    path("pass-numerique/releves/<int:pk>/releve.csv", claims.statement_csv, name="statement_csv"),
    path("pass-numerique/statistiques/", figures.statistics, name="statistics"),
    path("pass-numerique/statistiques.csv", figures.statistics_csv, name="statistics_csv"),
]
