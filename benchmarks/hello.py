"""The ceiling: a bare Flask "hello world", served and loaded exactly like the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
