"""Deployment of advlab beyond one process: replicas behind nginx, Docker, Kubernetes."""
