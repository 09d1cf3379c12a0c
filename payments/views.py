from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def roll_list(request):
    return HttpResponse("")


fund_list = three_checks = roll_list
