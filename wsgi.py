from trainer import create_app

app = create_app()
