"""The 2-D playground: a small network learns a 2-D data set live; every neuron's picture shown."""

import functools

import streamlit as st

from nnplay import ui
from nnplay.charts import playground as charts
from nnplay.messages import Message
from nnplay.playground import controls, export
from nnplay.playground import data as datasets
from nnplay.playground import points as own
from nnplay.playground import session as pg
from nnplay.playground.features import FEATURES
from nnplay.playground.speed import one_blas_thread
from nnplay.ui.page_state import PageState

t = ui.t
page = PageState("playground")
SESSION = "playground_session"  # the Session (network, data, history): this visitor's only
PLAYING = "playground_playing"
POINTS = "playground_points"  # the student's own points, a tuple of (x1, x2, label)
NOTICES = "playground_notices"  # messages of the last click on the plane, shown once
POINT_NOTICES = "playground_point_notices"  # ... of the last typed point or CSV, shown once
VIEW = "playground_view"  # the epoch the time machine shows
TIMER = "playground_timer"  # whether the live part's timer runs (set by the whole page)
TICK_S = 0.15  # Play: an update of the pictures asked for every 0.15 s (≥ 5 a second) ...
TRAIN_S = 0.04  # ... after training for about this long


def key(name: str) -> str:
    return page.key(name)


def shown(name: str) -> bool:
    """Whether the teacher's link leaves control ``name`` visible."""
    return name not in hidden


def notice(messages: list[Message], where: str = NOTICES) -> None:
    """Show ``messages`` once, at the training part (``NOTICES``) or at the points."""
    st.session_state[where] = [*st.session_state.get(where, []), *messages]


def labels(prefix: str, names) -> dict:
    """``{name: text}`` for a widget's options: a plain dict, for AppTest formats options
    outside the script run, where the session's language cannot be read."""
    return {name: t(f"playground.{prefix}_{name}") for name in names}


def get_session() -> pg.Session:
    return st.session_state[SESSION]


# -- callbacks (they run before the page, so the page draws what they did) ---------------


def play_clicked() -> None:
    st.session_state[PLAYING] = get_session().ready
    st.session_state.pop(VIEW, None)  # back to the present


def pause_clicked() -> None:
    st.session_state[PLAYING] = False


def step_clicked() -> None:
    st.session_state[PLAYING] = False
    st.session_state.pop(VIEW, None)
    with one_blas_thread():
        get_session().step(1)


def reset_clicked() -> None:
    st.session_state[PLAYING] = False
    st.session_state.pop(VIEW, None)
    get_session().reset()


def regenerate_clicked() -> None:
    st.session_state[key("seed")] = (st.session_state[key("seed")] + 1) % (pg.MAX_SEED + 1)


def change_layers(layer: int | None, delta: int) -> None:
    """Add or remove a hidden layer (``layer`` None) or a neuron of one layer."""
    layers, _ = controls.parse_layers(st.session_state[key("layers")])
    layers = list(layers)
    if layer is None:
        if delta > 0 and len(layers) < pg.MAX_LAYERS:
            layers.append(layers[-1] if layers else 2)
        elif delta < 0 and layers:
            layers.pop()
    elif 0 <= layer < len(layers):
        layers[layer] = min(max(layers[layer] + delta, 1), pg.MAX_NEURONS)
    st.session_state[key("layers")] = controls.layers_text(layers)


def label_value(label: int, n_classes: int) -> float:
    """The stored label of a new point: the class, or -1 / +1 for regression."""
    return float(label if n_classes else (1 if label else -1))


def add_point(x1: float, x2: float, where: str = NOTICES) -> None:
    sess = get_session()
    label = label_value(st.session_state[key("label")], sess.n_classes)
    points, messages = own.add(st.session_state.get(POINTS, ()), x1, x2, label, sess.n_classes)
    st.session_state[POINTS] = tuple(points)
    notice(messages, where)


def add_typed_point() -> None:
    add_point(st.session_state["playground_px"], st.session_state["playground_py"], POINT_NOTICES)


def clear_points() -> None:
    st.session_state[POINTS] = ()


def add_csv_points(found: list, messages: list[Message]) -> None:
    """Add points read from a CSV (as many as there is room for) and say what happened."""
    if found:
        room = max(own.MAX_POINTS - len(st.session_state.get(POINTS, ())), 0)
        st.session_state[POINTS] = (*st.session_state.get(POINTS, ()), *found[:room])
        messages = [
            Message("playground.csv_loaded", {"count": min(len(found), room)}, "info"),
            *messages,
        ]
        if len(found) > room:
            messages.append(Message("playground.points_full", {"max": own.MAX_POINTS}))
    notice(messages, POINT_NOTICES)


def load_csv() -> None:
    """The pasted CSV text."""
    sess = get_session()
    add_csv_points(*own.read_csv(st.session_state.get("playground_csv", ""), sess.n_classes))


def upload_csv() -> None:
    """A CSV file given to the uploader (once per file: this runs when the file changes)."""
    uploaded = st.session_state.get("playground_csv_file")
    if uploaded is None:  # the file was removed from the uploader
        return
    sess = get_session()
    add_csv_points(*own.read_upload(uploaded.getvalue(), sess.n_classes))


def problem_changed() -> None:
    """A new problem type: its first data set (the data set decides the problem otherwise)."""
    st.session_state[key("data")] = controls.data_for(st.session_state[key("problem")])[0]


def hide_changed() -> None:
    st.session_state[key("hide")] = controls.LAYER_SEP.join(
        st.session_state["playground_hide_pick"]
    )


# -- the page ------------------------------------------------------------------------------

ui.page_header("playground")
present = ui.presenter()
given = page.start()
for field in page.fields:  # keep the values of widgets not drawn this run (hidden ones)
    st.session_state[field.key] = st.session_state[field.key]
values = page.values()
settings, problems = controls.settings_from(values)
hidden, hide_problems = controls.parse_hide(values["hide"])
if given is not None:  # a link: say what it got wrong (the widgets were set from it)
    ui.show(problems + hide_problems)
# the widgets show the settings in force (a clamped link, a data set of the other problem)
normal = {
    "problem": settings.problem,
    "data": settings.data,
    "layers": controls.layers_text(settings.layers),
    "activation": settings.activation,
    "reg": settings.regularization,
}
for name, value in normal.items():
    if st.session_state[key(name)] != value:
        st.session_state[key(name)] = value
st.session_state.setdefault(POINTS, ())
sess = st.session_state.get(SESSION)
if not isinstance(sess, pg.Session):
    sess = st.session_state[SESSION] = pg.Session(settings, st.session_state[POINTS])
elif sess.configure(settings, st.session_state[POINTS]):
    st.session_state.pop(VIEW, None)
if not sess.ready:
    st.session_state[PLAYING] = False
playing = bool(st.session_state.get(PLAYING, False))
n_classes = sess.n_classes

# --- training first (filled below): Play and the pictures above the fold, the controls after
training = st.container()

# --- data ---------------------------------------------------------------------------------
# a projector: one column, larger; a laptop: data beside the network
data_col, net_col = (st.container(), st.container()) if present else st.columns([1, 2])
with data_col:
    st.subheader(t("playground.data_heading"))
    if shown("problem"):
        st.radio(
            t("playground.problem"),
            datasets.PROBLEMS,
            format_func=labels("problem", datasets.PROBLEMS).__getitem__,
            key=key("problem"),
            horizontal=True,
            on_change=problem_changed,
        )
    if shown("data"):
        st.selectbox(
            t("playground.data"),
            controls.data_for(st.session_state[key("problem")]),
            format_func=labels("data", datasets.DATASETS).__getitem__,
            key=key("data"),
        )
        if datasets.DATASETS[settings.data].multiclass:
            st.slider(
                t("playground.classes"),
                datasets.MIN_CLASSES,
                datasets.MAX_CLASSES,
                key=key("classes"),
            )
        if settings.data == "own":
            st.caption(t("playground.own_hint"))
    if shown("noise"):
        st.slider(t("playground.noise"), 0, 50, step=5, key=key("noise"), format="%d %%")
    if shown("train"):
        st.slider(t("playground.train"), 10, 90, step=10, key=key("train"), format="%d %%")
    if shown("batch"):
        st.slider(t("playground.batch"), 1, pg.MAX_BATCH, key=key("batch"))
    if shown("seed"):
        seed_col, regen_col = st.columns([3, 2], vertical_alignment="bottom")
        seed_col.number_input(
            t("playground.seed"),
            min_value=0,
            max_value=pg.MAX_SEED,
            step=1,
            value=page.default("seed"),
            key=key("seed"),
        )
        regen_col.button(
            t("playground.regenerate"),
            key="playground_regen",
            on_click=regenerate_clicked,
            width="stretch",
        )
    st.toggle(t("playground.show_test"), key=key("test"))
    st.toggle(t("playground.discretize"), key=key("discrete"))

# --- network ------------------------------------------------------------------------------
with net_col:
    st.subheader(t("playground.network_heading"))
    if shown("features"):
        st.markdown(f"**{t('playground.features')}**")
        per_row = 4 if present else 7
        names = list(FEATURES)
        for start in range(0, len(names), per_row):
            for column, name in zip(
                st.columns(per_row), names[start : start + per_row], strict=False
            ):
                column.toggle(FEATURES[name].label, key=key(name))
        if not settings.features:
            ui.show([Message("playground.no_features")])
    if shown("layers"):
        layers = settings.layers
        count_col, less_col, more_col = st.columns([3, 1, 1], vertical_alignment="center")
        count_col.markdown(t("playground.hidden_layers", count=len(layers)))
        less_col.button(
            "−",
            key="playground_layers_remove",
            on_click=change_layers,
            args=(None, -1),
            disabled=not layers,
            help=t("playground.remove_layer"),
            width="stretch",
        )
        more_col.button(
            "+",
            key="playground_layers_add",
            on_click=change_layers,
            args=(None, 1),
            disabled=len(layers) >= pg.MAX_LAYERS,
            help=t("playground.add_layer"),
            width="stretch",
        )
        per_row = 3 if present else pg.MAX_LAYERS
        for start in range(0, len(layers), per_row):
            row = list(enumerate(layers))[start : start + per_row]
            for column, (i, n) in zip(st.columns(per_row), row, strict=False):
                with column:
                    st.caption(t("playground.layer_neurons", layer=i + 1, count=n))
                    minus, plus = st.columns(2)
                    minus.button(
                        "−",
                        key=f"playground_layer_{i}_fewer",
                        on_click=change_layers,
                        args=(i, -1),
                        disabled=n <= 1,
                        width="stretch",
                    )
                    plus.button(
                        "+",
                        key=f"playground_layer_{i}_more",
                        on_click=change_layers,
                        args=(i, 1),
                        disabled=n >= pg.MAX_NEURONS,
                        width="stretch",
                    )
    act_col, lr_col = st.columns(2)
    if shown("activation"):
        act_col.selectbox(
            t("playground.activation"),
            pg.ACTIVATIONS,
            format_func=labels("act", pg.ACTIVATIONS).__getitem__,
            key=key("activation"),
        )
        act_col.caption(t(f"playground.lesson_{settings.activation}"))
    if shown("lr"):
        lr_col.select_slider(
            t("playground.learning_rate"),
            pg.LEARNING_RATES,
            format_func=lambda v: f"{v:g}",
            key=key("lr"),
        )
    if shown("reg"):
        reg_col, rate_col = st.columns(2)
        reg_col.selectbox(
            t("playground.regularization"),
            pg.REGULARIZATIONS,
            format_func=labels("reg", pg.REGULARIZATIONS).__getitem__,
            key=key("reg"),
        )
        rate_col.select_slider(
            t("playground.rate"),
            pg.RATES,
            format_func=lambda v: f"{v:g}",
            key=key("rate"),
            disabled=settings.regularization == "none",
        )
        if settings.regularization != "none":
            st.caption(t(f"playground.lesson_{settings.regularization}"))
    ui.show([m for m in pg.lessons(settings) if m.key != "playground.no_features"])

# --- training: Play / Step / Reset, and what the network computes ---------------------------


def number(value: float) -> str:
    return "—" if value != value else f"{value:.3f}"  # NaN: no test points


def buttons(sess) -> None:
    """Play/Pause, Step, Reset: inside the live part, so that their clicks rerun the same
    fragment as Play's timer does."""
    playing = bool(st.session_state.get(PLAYING, False))
    play_col, step_col, reset_col, _ = st.columns([1, 1, 1, 0.01 if present else 2])
    # Two buttons, not one toggle: a click can reach the server twice when the
    # timer's next tick overtakes its run, and "pause" twice is still paused.
    play_col.button(
        t("playground.pause") if playing else t("playground.play"),
        key="playground_pause" if playing else "playground_play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        type="primary",
        on_click=pause_clicked if playing else play_clicked,
        disabled=not sess.ready or sess.diverged is not None,
        width="stretch",
    )
    step_col.button(
        t("playground.step"),
        key="playground_step",
        icon=":material/skip_next:",
        on_click=step_clicked,
        disabled=not sess.ready or sess.diverged is not None,
        width="stretch",
    )
    reset_col.button(
        t("playground.reset"),
        key="playground_reset",
        icon=":material/restart_alt:",
        on_click=reset_clicked,
        disabled=not sess.ready,
        width="stretch",
    )


def live() -> None:
    """The live part: trains a little on every tick while playing, then draws."""
    sess = get_session()
    buttons(sess)
    if bool(st.session_state.get(PLAYING, False)) != st.session_state.get(TIMER):
        st.rerun()  # the whole page: Play's timer starts or stops
    if st.session_state.get(PLAYING, False):
        with one_blas_thread():
            sess.run(TRAIN_S)
        if sess.diverged is not None or not sess.ready:
            st.session_state[PLAYING] = False
            st.rerun()  # the whole page: Play becomes Play again and the timer stops
    if sess.diverged is not None:
        st.error(
            t("playground.diverged", epoch=sess.diverged, lr=f"{sess.settings.learning_rate:g}"),
            icon=":material/error:",
        )
    history = sess.history
    view = st.session_state.get(VIEW)
    kept = history.epochs_kept()
    if not st.session_state.get(PLAYING, False) and len(kept) > 1 and shown("history"):
        if view not in kept:
            view = kept[-1] if view is None else min(kept, key=lambda e: abs(e - view))
        st.session_state[VIEW] = view
        st.select_slider(
            t("playground.history"),
            kept,
            key=VIEW,
            help=t("playground.history_help"),
            format_func={e: t("playground.epoch_n", epoch=e) for e in kept}.__getitem__,
        )
        view = st.session_state[VIEW]
    else:
        view = None
    if view is not None and view == kept[-1]:
        view = None  # the present
    model, snap = sess.network_at(view)
    with one_blas_thread():
        pics = charts.pictures(
            model, sess.settings.features, sess.n_classes, discretize=values["discrete"]
        )
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("playground.epoch"), f"{snap.epoch:,}" if snap else "0")
    m2.metric(t("playground.train_loss"), number(snap.train_loss) if snap else "—")
    m3.metric(t("playground.test_loss"), number(snap.test_loss) if snap else "—")
    accuracy = sess.accuracy(view) if snap else None
    if accuracy is not None:
        train_acc, test_acc = accuracy
        m4.metric(
            t("playground.accuracy"), f"{test_acc if test_acc == test_acc else train_acc:.0%}"
        )
    theme = ui.theme()
    paused = not st.session_state.get(PLAYING, False)
    clickable = paused and shown("points")
    out_col, diagram_col = (st.container(), st.container()) if present else st.columns([2, 3])
    with out_col:
        st.markdown(f"**{t('playground.output_heading')}**")
        train = (sess.split.X_train, sess.split.y_train)
        test = (sess.X_test, sess.y_test) if values["test"] else None
        mine = (sess.own_X, sess.own_y)
        if not paused:
            # While Play runs, an inline SVG: a plotly redraw on every tick costs the
            # browser far more than the tick itself (bench/bench_playground_browser.py).
            svg = charts.surface_svg(pics, theme, train=train, test=test, own=mine,
                                     title=t("playground.output_heading"))  # fmt: skip
            st.markdown(svg, unsafe_allow_html=True)
        elif clickable:
            figure = charts.surface_figure(pics, theme, train=train, test=test, own=mine,
                                           clickable=True)  # fmt: skip
            # a new chart after every click taken (refused ones too): it starts unselected
            clicks = st.session_state.get("playground_clicks", 0)
            chart_key = f"playground_plane_{clicks}"
            event = st.plotly_chart(
                figure,
                key=chart_key,
                on_select="rerun",
                selection_mode="points",
                config={"displaylogo": False, "displayModeBar": False},
                width="stretch",
            )
            where = own.from_selection(event)
            if where is not None:
                st.session_state["playground_clicks"] = clicks + 1
                add_point(*where)
                st.rerun()  # the whole page: the data and the CSV changed
            st.caption(t("playground.click_hint"))
        else:
            figure = charts.surface_figure(pics, theme, train=train, test=test, own=mine)
            ui.plot(figure, key="playground_plane_live")
    with diagram_col:
        st.markdown(f"**{t('playground.diagram_heading')}**")
        titles = [t("playground.column_inputs")]
        titles += [t("playground.column_layer", count=n) for n in sess.settings.layers]
        titles.append(t("playground.column_output"))
        # an inline SVG, not a plotly chart: the browser redraws it on every Play tick for
        # a few milliseconds (bench/bench_playground_browser.py)
        st.markdown(
            charts.network_svg(
                pics,
                snap.coefs if snap else [],
                theme,
                input_labels=charts.feature_labels(sess.settings.features),
                column_titles=titles,
                title=t("playground.diagram_heading"),
                width_px=1000 if present else 560,
            ),
            unsafe_allow_html=True,
        )
        st.caption(t("playground.diagram_caption"))
    epochs, train_loss, test_loss = history.curve()
    loss_labels = dict(
        train_label=t("playground.train_loss"),
        test_label=t("playground.test_loss"),
        epoch_label=t("playground.epoch"),
        loss_label=t("playground.loss"),
    )
    if not paused:
        st.markdown(
            charts.loss_svg(epochs, train_loss, test_loss, theme, **loss_labels),
            unsafe_allow_html=True,
        )
    else:
        marker = snap.epoch if snap and view is not None else None
        figure = charts.loss_figure(epochs, train_loss, test_loss, theme, **loss_labels,
                                    marker=marker)  # fmt: skip
        ui.plot(figure, key="playground_fig_loss")
    dead = sess.dead_neurons(view)
    if dead:
        st.info(t("playground.dead_neurons", count=dead), icon=":material/info:")
    if sess.settings.regularization == "l1" and sess.settings.rate > 0:
        zero, total = sess.zero_weights(view)
        st.info(t("playground.zero_weights", count=zero, total=total), icon=":material/info:")


st.session_state[TIMER] = playing
with training:
    st.subheader(t("playground.training_heading"))
    ui.show(st.session_state.pop(NOTICES, []))
    st.fragment(run_every=TICK_S if playing else None)(live)()

# --- the student's own points ------------------------------------------------------------
if shown("points"):
    st.subheader(t("playground.points_heading"))
    st.markdown(t("playground.points_intro"))
    if n_classes:
        offered = list(range(n_classes))
        names = [t("playground.class_n", n=k + 1) for k in offered]
    else:
        offered, names = [0, 1], [t("playground.value_minus"), t("playground.value_plus")]
    if st.session_state[key("label")] not in offered:
        st.session_state[key("label")] = offered[-1]
    st.radio(
        t("playground.point_label"),
        offered,
        format_func=lambda k: names[offered.index(k)],
        key=key("label"),
        horizontal=True,
    )
    x_col, y_col, add_col, clear_col = st.columns(4, vertical_alignment="bottom")
    x_col.number_input("x₁", -datasets.EXTENT, datasets.EXTENT, 0.0, 0.5, key="playground_px")
    y_col.number_input("x₂", -datasets.EXTENT, datasets.EXTENT, 0.0, 0.5, key="playground_py")
    add_col.button(t("playground.add_point"), key="playground_add", on_click=add_typed_point)
    clear_col.button(
        t("playground.clear_points", count=len(st.session_state[POINTS])),
        key="playground_clear",
        on_click=clear_points,
        disabled=not st.session_state[POINTS],
    )
    st.markdown(f"**{t('playground.csv_heading')}**")
    upload_col, download_col = st.columns([3, 2], vertical_alignment="center")
    with upload_col:
        ui.file_uploader(
            t("playground.csv_file"),
            types=["csv"],
            key="playground_csv_file",
            max_mb=1,
            on_change=upload_csv,
            help=t("playground.csv_file_help", max=own.MAX_POINTS),
        )
    with download_col:
        # Written when clicked (a callable), from this run's arrays: no session state there,
        # for Streamlit calls it outside the script run.
        parts = [
            ("train", sess.split.X_train, sess.split.y_train),
            ("test", sess.X_test, sess.y_test),
            ("own", sess.own_X, sess.own_y),
        ]
        st.download_button(
            t("playground.csv_download"),
            data=functools.partial(own.write_csv, parts),
            file_name="playground.csv",
            mime="text/csv",
            key="playground_csv_download",
            on_click="ignore",
            icon=":material/download:",
        )
    ui.show(st.session_state.pop(POINT_NOTICES, []))
    with st.expander(t("playground.csv_paste_heading")):
        st.text_area(
            t("playground.csv_paste"),
            key="playground_csv",
            height=120,
            max_chars=own.MAX_CSV_CHARS,
            placeholder="x1,x2,label\n1.5,-2,1",
        )
        st.button(t("playground.csv_load"), key="playground_csv_load", on_click=load_csv)

# --- from play to code ------------------------------------------------------------------
if shown("export"):
    st.subheader(t("playground.export_heading"))
    st.markdown(t("playground.export_intro"))
    _, export_notes = export.builder_spec(settings, sess.epoch)
    query = {**export.builder_query(settings, sess.epoch), "lang": ui.lang()}
    if present:
        query["present"] = "1"
    st.page_link(
        "pages/keras_builder.py",
        label=t("playground.open_builder"),
        icon=":material/stacks:",
        query_params=query,
    )
    ui.show(export_notes)
    with st.expander(t("playground.code_heading")):
        st.code(export.keras_code(settings, sess.epoch), language="python")

# --- for teachers ------------------------------------------------------------------------
with st.expander(t("playground.teacher_heading")):
    st.markdown(t("playground.teacher_intro"))
    if st.session_state.get("playground_hide_pick") != list(hidden):
        st.session_state["playground_hide_pick"] = list(hidden)
    st.multiselect(
        t("playground.hide"),
        controls.HIDEABLE,
        format_func=labels("hide", controls.HIDEABLE).__getitem__,
        key="playground_hide_pick",
        on_change=hide_changed,
    )
page.finish()
