from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("trends/", views.trends, name="trends"),
    path("compliance/", views.compliance, name="compliance"),
    path("providers/", views.providers, name="providers"),
    path("workload/", views.workload, name="workload"),
    path("ko41/", views.ko41_return, name="ko41"),
    path("annual/", views.annual_reports, name="annual_reports"),
    path("annual/<int:pk>/", views.annual_report, name="annual_report"),
    path("annual/<int:pk>/generate/", views.annual_report_generate, name="annual_report_generate"),
    path("annual/<int:pk>/publish/", views.annual_report_publish, name="annual_report_publish"),
    path("annual/<int:pk>/status/", views.annual_report_status, name="annual_report_status"),
    path("annual/<int:pk>/pdf/", views.annual_report_pdf, name="annual_report_pdf"),
]
