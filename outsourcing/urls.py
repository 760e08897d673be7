from django.contrib import admin
from django.urls import include, path

from outsourcing import views

catalog_patterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/<slug:slug>/", views.vendor_detail, name="vendor_detail"),
]

urlpatterns = [
    path("", include((catalog_patterns, "outsourcing"))),
    path("", include("advisor.urls")),
    path("admin/", admin.site.urls),
]
