from django.urls import path

from cases.views import calendar, cases, public, queues, supervision

app_name = "cases"
urlpatterns = [
    path("", queues.queue, name="queue"),
    path("queue/<slug:name>/", queues.queue, name="queue_named"),
    path("queue-bulk/", queues.bulk, name="bulk"),
    path("notifications/read/", queues.notifications_read, name="notifications_read"),
    path("inbox/", queues.inbox, name="inbox"),
    path("transfers/<int:pk>/", queues.transfer_detail, name="transfer_detail"),
    path("accept/", cases.accept, name="accept"),
    path("<int:pk>/", cases.detail, name="detail"),
    path("<int:pk>/steps/<int:step_id>/act/", cases.act, name="act"),
    path("<int:pk>/steps/<int:step_id>/resume/", cases.resume, name="resume"),
    path("<int:pk>/materials/", cases.materials, name="materials"),
    path("<int:pk>/supervise/", cases.supervise, name="supervise"),
    path("<int:pk>/reply/", cases.reply, name="reply"),
    path("<int:pk>/print/receipt/", cases.print_receipt, name="print_receipt"),
    path("<int:pk>/print/notice/", cases.print_notice, name="print_notice"),
    path("<int:pk>/print/reply/", cases.print_reply, name="print_reply"),
    path("supervision/", supervision.board, name="board"),
    path("supervision/run/", supervision.run_daily, name="run_daily"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("public/catalogue/", public.catalogue, name="public_catalogue"),
    path("public/progress/", public.progress, name="public_progress"),
]
