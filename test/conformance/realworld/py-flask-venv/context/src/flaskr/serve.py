"""flaskr-serve: the app on wsgiref's server (a gunicorn stand-in for the image)."""
import argparse
from wsgiref.simple_server import make_server

from . import __version__, create_app


def main(argv=None):
    parser = argparse.ArgumentParser(prog="flaskr-serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--version", action="version", version=f"flaskr {__version__}")
    args = parser.parse_args(argv)
    with make_server(args.host, args.port, create_app()) as server:
        print(f"Serving flaskr on http://{args.host}:{args.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
