"""The web app (Streamlit): `realpolitik serve`."""
