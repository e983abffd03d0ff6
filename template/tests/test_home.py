from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_home_says_hello(app: FastAPI, client: TestClient) -> None:
    response = client.get(app.url_path_for("home"))

    assert response.status_code == 200
    assert response.json() == "Hello World!"


def test_health_is_ok(app: FastAPI, client: TestClient) -> None:
    response = client.get(app.url_path_for("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
