"""Home: what nnplay teaches, a card per lesson, and how to use it in class."""

import streamlit as st

from nnplay import ui
from nnplay.sitemap import LESSONS

t = ui.t

ui.page_header("home")

columns = st.columns(2 if ui.presenter() else 3)
for i, info in enumerate(LESSONS):
    with columns[i % len(columns)], st.container(border=True):
        st.page_link(info.path, label=t(info.title_key), icon=info.icon)
        st.caption(t(info.summary_key))
        if info.uses_tensorflow:
            st.caption(f":material/hourglass_top: {t('home.tensorflow_note')}")

st.subheader(t("home.class_heading"))
st.markdown(t("home.class_notes"))
st.caption(t("home.source"))
