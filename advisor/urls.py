from django.urls import path, register_converter

from advisor import views
from advisor.models import TOKEN_PATTERN


class TokenConverter:
    """Share-link tokens: URL-safe base64, so anything else is a 404 before any query."""

    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "advisor"

urlpatterns = [
    path("advisor/", views.questionnaire, name="questionnaire"),
    path("advisor/preview/", views.preview, name="preview"),
    path("r/<token:token>/", views.recommendation_detail, name="recommendation_detail"),
    path("r/<token:token>/pdf/", views.recommendation_pdf, name="recommendation_pdf"),
    path("r/<token:token>/compare/", views.recommendation_compare, name="recommendation_compare"),
    path("r/<token:token>/rfp/", views.recommendation_rfp, name="recommendation_rfp"),
    path("r/<token:token>/rfp.docx", views.recommendation_rfp_docx, name="recommendation_rfp_docx"),
]
