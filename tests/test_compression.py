import gzip

import pytest


@pytest.mark.django_db
def test_pages_reach_a_browser_gzipped(client):
    response = client.get("/advisor/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b'<form id="questionnaire" method="post"' in gzip.decompress(response.content)
