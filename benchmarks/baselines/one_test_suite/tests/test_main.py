from fastapi.testclient import TestClient
from main import app


def test_home_says_hello() -> None:
    response = TestClient(app).get("/")

    assert response.status_code == 200
    assert response.json() == "Hello World!"
