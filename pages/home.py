"""Home: what nnplay teaches, a card per lesson, and how to use it in class."""

import streamlit as st

from nnplay import ui
from nnplay.sitemap import LESSONS

t = ui.t

ui.page_header("home")

per_row = 2 if ui.presenter() else 3
# One row of columns at a time: on a phone the columns stack, and the cards
# then still come in teaching order.
for start in range(0, len(LESSONS), per_row):
    row = LESSONS[start : start + per_row]
    for column, info in zip(st.columns(per_row), row, strict=False):
        with column, st.container(border=True):
            st.page_link(info.path, label=t(info.title_key), icon=info.icon)
            st.caption(t(info.summary_key))
            if info.uses_tensorflow:
                st.caption(f":material/hourglass_top: {t('home.tensorflow_note')}")

st.subheader(t("home.class_heading"))
st.markdown(t("home.class_notes"))
st.caption(t("home.source"))
