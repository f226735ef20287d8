"""nnplay: a playground for the neural-network chapter. Run with ``streamlit run app.py``."""

import streamlit as st

from nnplay import ui
from nnplay.sitemap import HOME, PAGES

st.set_page_config(page_title="nnplay", page_icon="🧠", layout="wide")
ui.init_session()

navigation = st.navigation(
    [
        st.Page(
            info.path,
            title=ui.t(info.nav_key),
            icon=info.icon,
            url_path=info.slug,
            default=info is HOME,
        )
        for info in PAGES
    ]
)
ui.sidebar()
needs_tensorflow = {info.slug for info in PAGES if info.uses_tensorflow}
ui.run_page(navigation.run, lesson=navigation.url_path not in needs_tensorflow)
