"""`cnnviz data list` and `cnnviz data download`, in process and as a real subprocess.

Small datasets are written by the tests; downloads come from a local HTTP server on 127.0.0.1.
"""

import io
import os
import subprocess
from pathlib import Path

import pytest
from tests.downloads import TinyDataset
from tests.live_server import CLI, without_proxies

from cnnviz.cli import main
from cnnviz.cli.data import ProgressBar

pytestmark = pytest.mark.usefixtures("isolated")  # no data dir or proxy from the environment


def clean_env(**extra: str) -> dict[str, str]:
    env = without_proxies(os.environ)
    env.pop("CNNVIZ_DATA_DIR", None)
    return {**env, **extra}


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cnnviz: error:")]


# --- data list -----------------------------------------------------------------------------------


def test_list_empty_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["DATASET", "TRAIN", "TEST", "FOLDER"]
    assert lines[1].split() == ["mnist", "missing", "missing", str(tmp_path / "mnist")]
    assert lines[2].split()[0] == "fashion-mnist"
    assert f"data dir: {tmp_path} (--data-dir)" in out
    assert "cnnviz data download mnist" in out


def test_list_present_dataset(
    tmp_path: Path,
    tiny: TinyDataset,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tiny.write(tmp_path / "mnist")
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    mnist = next(line for line in out.splitlines() if line.startswith("mnist "))
    # Present and usable, but these are not the official files (their md5 differs).
    assert "12 images (not the official file)" in mnist
    assert "5 images (not the official file)" in mnist
    assert f"data dir: {tmp_path} (CNNVIZ_DATA_DIR)" in out
    assert "cnnviz data download fashion-mnist" in out


def test_list_says_official(
    tmp_path: Path, tiny_mnist: TinyDataset, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny_mnist.write(tmp_path / "mnist")
    assert main(["data", "list", "--data-dir", str(tmp_path)]) == 0
    mnist = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("mnist"))
    assert "12 images (official)" in mnist and "5 images (official)" in mnist


def test_list_partial_and_damaged(
    tmp_path: Path, tiny: TinyDataset, capsys: pytest.CaptureFixture[str]
) -> None:
    names = tiny.names
    folder = tiny.write(tmp_path / "mnist", names=names[:1])
    (folder / names[2]).write_bytes(b"garbage")
    (folder / names[3]).write_bytes(b"x")
    assert main(["data", "list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    mnist = next(line for line in out.splitlines() if line.startswith("mnist"))
    assert "missing labels" in mnist
    assert "damaged (see below)" in mnist
    assert f"mnist test: {folder / names[2]} is not a valid gzip file" in out


# --- data download -------------------------------------------------------------------------------


def test_download(
    tmp_path: Path,
    tiny_mnist: TinyDataset,
    tiny_mirror: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["data", "download", "mnist", "--data-dir", str(tmp_path), "--mirror", tiny_mirror])
    assert code == 0
    captured = capsys.readouterr()
    total = sum(len(data) for data in tiny_mnist.files.values())
    assert captured.out == (
        f"MNIST is ready in {tmp_path / 'mnist'} (downloaded 4 files, {total / 1e3:.1f} kB)\n"
    )
    names = tiny_mnist.names
    for name in names:
        assert (tmp_path / "mnist" / name).read_bytes() == tiny_mnist.files[name]
    # stderr is not a terminal here: plain lines, no carriage returns.
    assert "\r" not in captured.err
    assert f"downloading {tiny_mirror}{names[0]}" in captured.err
    assert f"{names[0]}: 100%" in captured.err

    assert main(["data", "download", "MNIST", "--data-dir", str(tmp_path)]) == 0
    assert "nothing to download" in capsys.readouterr().out


def test_download_first_mirror_missing(
    tmp_path: Path, tiny_mnist: TinyDataset, tiny_mirror: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["data", "download", "mnist", "--data-dir", str(tmp_path)]
    assert main([*args, "--mirror", tiny_mirror + "nope/", "--mirror", tiny_mirror]) == 0
    assert "HTTP 404" in capsys.readouterr().err


def test_download_no_network(
    tmp_path: Path, closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["data", "download", "mnist", "--data-dir", str(tmp_path)]
    code = main([*args, "--mirror", closed_port_url])
    assert code == 2
    err = capsys.readouterr().err
    [line] = error_lines(err)
    assert line.startswith("cnnviz: error: no mirror could be reached")
    assert "connection refused" in line and "copy the four files" in line
    assert "Traceback" not in err


def test_download_checksum_mismatch(
    tmp_path: Path, tiny: TinyDataset, tiny_mirror: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real registry: our tiny file is not the official MNIST file.
    code = main(["data", "download", "mnist", "--data-dir", str(tmp_path), "--mirror", tiny_mirror])
    assert code == 2
    err = capsys.readouterr().err
    [line] = error_lines(err)
    assert "wrong checksum on every mirror" in line
    assert "expected md5 f68b3c2dcbeaaa9fbdd348bbdeb94873" in line
    assert not (tmp_path / "mnist" / tiny.names[0]).exists()
    assert "Traceback" not in err


def test_download_unknown_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "download", "imagenet"]) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert line == "cnnviz: error: unknown dataset 'imagenet'; known: mnist, fashion-mnist"


def test_download_bad_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "download", "mnist", "--timeout", "0"]) == 2
    assert error_lines(capsys.readouterr().err) == [
        "cnnviz: error: --timeout must be positive, got 0.0"
    ]


def test_data_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["data"])
    assert exit_info.value.code == 2


def test_download_help_mentions_local_mirrors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["data", "download", "--help"])
    assert "local mirror" in capsys.readouterr().out


# --- the progress display ------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    stream = FakeTerminal()
    bar = ProgressBar(stream)
    assert bar.tty
    bar("train-images-idx3-ubyte.gz", 0, 9_912_422)
    bar("train-images-idx3-ubyte.gz", 9_912_422, 9_912_422)
    bar.log("next")
    text = stream.getvalue()
    assert text.startswith("\rtrain-images-idx3-ubyte.gz  [" + "-" * 30 + "]   0%  0.0/9.9 MB")
    assert "\rtrain-images-idx3-ubyte.gz  [" + "#" * 30 + "] 100%  9.9/9.9 MB\n" in text
    assert text.endswith("\nnext\n")


def test_progress_bar_unknown_total_on_a_terminal() -> None:
    stream = FakeTerminal()
    bar = ProgressBar(stream)
    bar("f.gz", 0, None)
    bar._last_draw = 0.0  # as if a redraw interval had passed
    bar("f.gz", 2_500_000, None)
    bar.log("done")
    assert stream.getvalue() == "\rf.gz  0.0 kB\rf.gz  2.5 MB\ndone\n"


def test_progress_in_kilobytes_for_small_files() -> None:
    stream = FakeTerminal()
    ProgressBar(stream)("t10k-labels-idx1-ubyte.gz", 4_542, 4_542)
    assert stream.getvalue().endswith("100%  4.5/4.5 kB\n")


def test_progress_lines_in_a_log() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    assert not bar.tty
    for done in range(0, 1_000_001, 50_000):
        bar("f.gz", done, 1_000_000)
    assert stream.getvalue().splitlines() == [
        "f.gz: 0% (0.0 of 1.0 MB)",
        "f.gz: 25% (0.2 of 1.0 MB)",
        "f.gz: 50% (0.5 of 1.0 MB)",
        "f.gz: 75% (0.8 of 1.0 MB)",
        "f.gz: 100% (1.0 of 1.0 MB)",
    ]


# --- a real process ------------------------------------------------------------------------------


def test_list_subprocess(tmp_path: Path, tiny: TinyDataset) -> None:
    tiny.write(tmp_path / "mnist")
    result = subprocess.run(
        [*CLI, "data", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(CNNVIZ_DATA_DIR=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    assert "12 images" in result.stdout
    assert str(tmp_path / "mnist") in result.stdout
    assert str(tmp_path / "fashion-mnist") in result.stdout


def test_download_error_subprocess(tmp_path: Path, closed_port_url: str) -> None:
    result = subprocess.run(
        [*CLI, "data", "download", "fashion-mnist", "--mirror", closed_port_url],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(CNNVIZ_DATA_DIR=str(tmp_path)),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = error_lines(result.stderr)
    assert "no mirror could be reached" in line
    assert str(tmp_path / "fashion-mnist") in line
