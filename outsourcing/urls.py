from django.contrib import admin
from django.urls import include, path

from outsourcing import admin as catalog_admin
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
    # Ahead of the admin's own "view on site" URL, which checks no model permission.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(catalog_admin.view_on_site),
    ),
    path("admin/", admin.site.urls),
]
