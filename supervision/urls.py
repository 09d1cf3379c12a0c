from django.urls import path

from supervision.views import evaluation, inspection, public

app_name = "supervision"

urlpatterns = [
    path("", inspection.desk, name="desk"),
    path("samples/new/", inspection.sample_new, name="sample_new"),
    path("samples/<int:pk>/", inspection.sample_detail, name="sample_detail"),
    path("items/<int:pk>/check/", inspection.item_check, name="item_check"),
    path("findings/", inspection.finding_list, name="findings"),
    path("rectifications/", inspection.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", inspection.rectification_detail, name="rectification_detail"),
    path("accountability/", inspection.accountability_list, name="accountabilities"),
    path("campaigns/", inspection.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", inspection.campaign_detail, name="campaign_detail"),
    path("opinions/", inspection.opinion_list, name="opinions"),
    path("opinions/new/", inspection.opinion_new, name="opinion_new"),
    path("evaluations/", evaluation.evaluation_list, name="evaluations"),
    path("evaluations/<int:pk>/", evaluation.evaluation_detail, name="evaluation_detail"),
    path("results/<int:pk>/drill/<int:indicator_id>/", evaluation.drill, name="drill"),
    path("scores/", evaluation.entered_scores, name="entered_scores"),
    path("history/<str:kind>/<int:subject_id>/", evaluation.history, name="history"),
    path("public/<str:code>/", public.public_ranking, name="public_ranking"),
    path("mine/", evaluation.my_evaluation, name="my_evaluation"),
]
