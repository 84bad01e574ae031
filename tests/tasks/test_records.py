"""Job records on disk: written whole through a temporary file that never outlives a failure,
read back with unreadable ones skipped and a crash's temporary files removed."""

import json

import pytest

from cnnviz.tasks.records import read_records, write_record


def test_a_record_is_written_whole_and_replaced(tmp_path):
    folder = tmp_path / "jobs"
    write_record(folder, "job-1", {"state": "running", "progress": {"global_step": 3}})
    write_record(folder, "job-1", {"state": "done", "progress": {"global_step": 6}})
    assert [p.name for p in folder.iterdir()] == ["job-1.json"]
    assert json.loads((folder / "job-1.json").read_text()) == {
        "state": "done",
        "progress": {"global_step": 6},
    }


def test_a_failed_write_leaves_the_old_record_and_no_temporary_file(tmp_path):
    folder = tmp_path / "jobs"
    write_record(folder, "job-1", {"state": "running"})
    with pytest.raises(TypeError):  # not JSON: fails before any file is made
        write_record(folder, "job-1", {"state": object()})
    (folder / "job-2.json").mkdir()  # the rename onto a folder fails after the write
    with pytest.raises(OSError):
        write_record(folder, "job-2", {"state": "done"})
    assert sorted(p.name for p in folder.iterdir()) == ["job-1.json", "job-2.json"]
    assert json.loads((folder / "job-1.json").read_text()) == {"state": "running"}


def test_reading_skips_what_is_not_a_record_and_sweeps_leftovers(tmp_path):
    folder = tmp_path / "jobs"
    write_record(folder, "good", {"state": "done"})
    (folder / "torn.json").write_text('{"state": "do')
    (folder / "list.json").write_text("[1, 2]")
    (folder / ".good.x1y2.tmp").write_text('{"state": "run')  # a crash mid-write
    assert list(read_records(folder)) == [("good", {"state": "done"})]
    assert sorted(p.name for p in folder.iterdir()) == ["good.json", "list.json", "torn.json"]
    assert list(read_records(tmp_path / "none")) == []
