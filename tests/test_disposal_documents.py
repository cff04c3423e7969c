"""The documents of a disposal batch: IAO approval lists and the certificate of destruction."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdf2image import convert_from_path

from paperless_ig.domain.errors import BadInput, Conflict
from paperless_ig.exports import certificates as docs
from paperless_ig.services import deposits, disposal, holds, schedule, teams, users
from paperless_ig.services import disposal_documents as documents
from tests.conftest import ADMIN

RM, IAO, OTHER_IAO = "rita", "ian", "olga"
AS_OF = date(2026, 11, 26)
DESTROYED_ON = date(2026, 11, 20)
TITLE = "Invoices of Mr Jonathan Personalname"  # a box title names a person: never on a document
REJECT_REASON = "Needed for the Smith appeal"


def pdf_text(path: Path) -> str:
    """The PDF's text as poppler lays it out; pages are separated by form feeds."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def sheet_column(sheet, heading: str) -> list:
    headings = [c.value for c in sheet[1]]
    index = headings.index(heading)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)
            if any(v is not None for v in row)]


@pytest.fixture(autouse=True)
def _on_the_day_of_destruction(set_today):
    """The documents print their dates, so this module says its day: the batch is made and
    carried out on DESTROYED_ON; approval lists are dated AS_OF."""
    set_today(DESTROYED_ON)


@pytest.fixture
def store(db):
    """Ian is the IAO of two council teams, Olga of one team of the children's company."""
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("North County Council", "Resources", "FIN-AP",
                                             "Accounts Payable", "Ian Iao", IAO))
    teams.add_team(db, ADMIN, teams.TeamSpec("North County Council", "Resources", "HR-PAY",
                                             "Payroll", "Ian Iao", IAO))
    teams.add_team(db, ADMIN, teams.TeamSpec("North County Children's Services", "Children's Social Care",
                                             "CSC-RA", "Referral and Assessment", "Olga Other", OTHER_IAO))
    for login, role, name in ((RM, "records_manager", "Rita Records"), (IAO, "viewer", "Ian Iao"),
                              (OTHER_IAO, "viewer", "Olga Other")):
        users.add_user(db, ADMIN, login, role, name)

    def deposit(team, klass, trigger, count):
        spec = deposits.BoxSpec(TITLE, trigger, date(trigger.year - 1, 4, 1), trigger, weight_kg=11.5)
        return deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
            team, klass, [spec] * count, received_on=date(2020, 1, 1))).barcodes

    db.codes = {
        "fin": deposit("FIN-AP", "FIN-01-01", date(2018, 6, 1), 5),  # due 31/03/2025
        "hr": deposit("HR-PAY", "HR-02-01", date(2017, 6, 1), 2),    # due 31/03/2024
        "csc": deposit("CSC-RA", "CSC-04-01", date(2010, 1, 1), 3),  # due 2020
    }
    return db


@pytest.fixture
def batch(store):
    """A batch with every decision made: one box kept longer, one transferred, the rest destroyed."""
    info = disposal.create_batch(store, RM, DESTROYED_ON)
    fin = store.codes["fin"]
    disposal.decide(store, RM, info.batch_id, fin[0], "extend", date(2030, 3, 31), "Open external audit")
    disposal.decide(store, RM, info.batch_id, fin[1], "transfer")
    store.batch_id = info.batch_id
    return store


@pytest.fixture
def completed(batch):
    """The batch carried out: a box put under a hold and a rejected box are pulled."""
    store, batch_id = batch, batch.batch_id
    fin, hr, csc = store.codes["fin"], store.codes["hr"], store.codes["csc"]
    disposal.approve(store, IAO, batch_id)
    disposal.approve(store, OTHER_IAO, batch_id, csc[:2])
    disposal.reject(store, OTHER_IAO, batch_id, [csc[2]], REJECT_REASON)
    holds.add_hold(store, RM, holds.HoldSpec("FOI appeal", "Tribunal", boxes=(hr[0],)))
    disposal.complete(store, RM, batch_id, DESTROYED_ON, "confidential shredding",
                      "Shire Secure Shredding", "SSS-0417", ["Wendy Witness"])
    store.outcome = {
        "extended": [fin[0]], "transferred": [fin[1]], "pulled": [hr[0], csc[2]],
        "destroyed": sorted(fin[2:] + hr[1:] + csc[:2]),
    }
    return store


def sections(text: str) -> dict[str, str]:
    """The certificate's text cut at its four section headings."""
    marks = {"destroyed": docs.SECTION_DESTROYED, "transferred": docs.SECTION_TRANSFERRED,
             "pulled": docs.SECTION_PULLED, "extended": docs.SECTION_EXTENDED}
    starts = {name: text.index(heading + ":") for name, heading in marks.items()}
    order = sorted(starts, key=starts.get)
    assert order == list(marks)
    ends = [starts[n] for n in order[1:]] + [len(text)]
    return {name: text[starts[name]:end] for name, end in zip(order, ends, strict=True)}


def test_certificate_pdf_lists_every_box_in_its_own_section(completed, tmp_path):
    """GIVEN a completed batch with destroyed, transferred, extended and pulled boxes
    WHEN its certificate is written
    THEN each destroyed box appears once, in the Destroyed section, and the pulled ones only as pulled."""
    out = documents.write_certificate(completed, completed.batch_id, tmp_path / "certificate.pdf")
    assert out == tmp_path / "certificate.pdf"
    text = pdf_text(out)
    parts = sections(text)
    outcome = completed.outcome
    for barcode in outcome["destroyed"]:
        assert text.count(barcode) == 1
        assert barcode in parts["destroyed"]
    for name in ("transferred", "pulled", "extended"):
        for barcode in outcome[name]:
            assert text.count(barcode) == 1 and barcode in parts[name]
    pulled = " ".join(parts["pulled"].split())
    assert "NOT destroyed" in pulled
    assert "legal hold 'FOI appeal'" in pulled and REJECT_REASON in pulled
    assert "Open external audit" in parts["extended"] and "31 Mar 2030" in parts["extended"]

    number = documents.certificate_number(completed.batch_id)
    assert number == f"PIG-{completed.batch_id:05d}"
    assert number in text and "SSS-0417" in text
    assert TITLE not in text and "Personalname" not in text
    flat = " ".join(text.split())
    data = documents.certificate(completed, completed.batch_id)
    assert len(data.destroyed) == len(outcome["destroyed"])
    assert data.linear_metres == pytest.approx(len(outcome["destroyed"]) * 0.143)
    assert data.weight_kg == pytest.approx(len(outcome["destroyed"]) * 11.5)  # the boxes' own weights
    assert f"{docs.SECTION_DESTROYED}: {len(outcome['destroyed'])}" in flat
    assert docs.metres(data.linear_metres) in flat and docs.kilograms(data.weight_kg) in flat
    assert "Shire Secure Shredding" in flat and "Wendy Witness" in flat and "20 Nov 2026" in flat
    assert "no box under a legal hold was destroyed" in flat.lower()

    pages = [p for p in text.split("\f") if p.strip()]
    for number_, page in enumerate(pages, start=1):
        footer = page.strip().splitlines()[-1]
        assert number in footer and "OFFICIAL" in footer and f"Page {number_} of {len(pages)}" in footer
        assert page.strip().splitlines()[0].count("OFFICIAL") == 1


def test_certificate_first_page_is_not_blank(completed, tmp_path):
    out = documents.write_certificate(completed, completed.batch_id, tmp_path / "certificate.pdf")
    page = convert_from_path(str(out), dpi=100, first_page=1, last_page=1)[0].convert("L")
    assert page.size == (827, 1170)  # A4 portrait at 100 dpi
    histogram = page.histogram()
    dark = sum(histogram[:128]) / (page.size[0] * page.size[1])
    assert 0.01 < dark < 0.5


def test_certificate_workbook_has_the_same_lists(completed, tmp_path):
    documents.write_certificate(completed, completed.batch_id, tmp_path / "certificate.pdf")
    workbook = load_workbook(tmp_path / "certificate.xlsx")
    assert workbook.sheetnames == ["Certificate", "Destroyed", "Transferred", "Pulled", "Extended"]
    for name in ("destroyed", "transferred", "pulled", "extended"):
        sheet = workbook[name.capitalize()]
        assert sheet.freeze_panes == "A2"
        assert sorted(sheet_column(sheet, "Barcode")) == sorted(completed.outcome[name])
        assert sheet.cell(2, [c.value for c in sheet[1]].index("Records from") + 1).is_date
    reasons = dict(zip(sheet_column(workbook["Pulled"], "Barcode"),
                       sheet_column(workbook["Pulled"], "Why it was pulled (not destroyed)"), strict=True))
    assert "FOI appeal" in reasons[completed.outcome["pulled"][0]]
    assert REJECT_REASON in reasons[completed.outcome["pulled"][1]]
    details = {row[0]: row[1] for row in workbook["Certificate"].iter_rows(values_only=True)}
    assert details["Certificate number"] == documents.certificate_number(completed.batch_id)
    assert details["Contractor's certificate number"] == "SSS-0417"
    assert details["Boxes destroyed"] == len(completed.outcome["destroyed"])
    every_cell = [str(v) for s in workbook.worksheets for r in s.iter_rows(values_only=True) for v in r]
    assert not any("Personalname" in v for v in every_cell)


def test_approval_lists_one_per_iao_with_only_their_teams_boxes(batch, tmp_path):
    """GIVEN an open batch over the teams of two IAOs
    WHEN the approval lists are written
    THEN each IAO gets a PDF and a workbook holding their own teams' boxes and no one else's."""
    files = documents.write_approval_lists(batch, batch.batch_id, tmp_path / "lists", today=AS_OF)
    assert sorted(f.name for f in files) == sorted(
        f"batch-{batch.batch_id:05d}-approval-{login}.{ext}" for login in (IAO, OTHER_IAO)
        for ext in ("pdf", "xlsx"))
    mine = {IAO: set(batch.codes["fin"] + batch.codes["hr"]), OTHER_IAO: set(batch.codes["csc"])}
    everyone = set().union(*mine.values())
    for login, codes in mine.items():
        stem = tmp_path / "lists" / f"batch-{batch.batch_id:05d}-approval-{login}"
        text = pdf_text(stem.with_suffix(".pdf"))
        assert {c for c in everyone if c in text} == codes
        assert TITLE not in text and "Personalname" not in text
        assert "Approve / Reject" in text and "Signature" in text and "26 Nov 2026" in text
        assert "Rita Records" in text and re.search(r"Page 1 of \d", text)
        sheet = load_workbook(stem.with_suffix(".xlsx"))["Approval"]
        assert set(sheet_column(sheet, "Barcode")) == codes
        assert sheet.freeze_panes == "A2"
    ian = pdf_text(tmp_path / "lists" / f"batch-{batch.batch_id:05d}-approval-{IAO}.pdf")
    flat = " ".join(ian.split())
    assert "Ian Iao" in flat and "North County Council" in flat and "Children's Services" not in flat
    assert "Extend to 31 Mar 2030" in flat and "Open external" in flat
    assert "Transfer to archives" in flat and "Paid supplier invoices" in flat


def test_approval_list_data(batch):
    lists = documents.approval_lists(batch, batch.batch_id, today=AS_OF)
    assert set(lists) == {IAO, OTHER_IAO}
    ian = lists[IAO]
    assert ian.iao == "Ian Iao" and ian.organisation == "North County Council"
    assert ian.prepared_by == "Rita Records" and ian.prepared_on == AS_OF
    assert ian.teams == [("FIN-AP", "Accounts Payable"), ("HR-PAY", "Payroll")]
    assert ian.counts() == "7 boxes: 5 to destroy, 1 to transfer to archives, 1 to extend"
    assert ian.rows[0].proposal == "Extend to 31 Mar 2030: Open external audit"
    assert lists[OTHER_IAO].organisation == "North County Children's Services"


def test_no_certificate_before_the_batch_is_completed(batch, tmp_path):
    with pytest.raises(Conflict, match="only once the batch is completed"):
        documents.certificate(batch, batch.batch_id)
    (tmp_path / "out").mkdir()
    with pytest.raises(Conflict):
        documents.write_certificate(batch, batch.batch_id, tmp_path / "out" / "certificate.pdf")
    assert not list((tmp_path / "out").iterdir())


def test_certificate_file_name_and_formats_are_checked(completed, tmp_path):
    with pytest.raises(BadInput, match=r"ending \.pdf"):
        documents.write_certificate(completed, completed.batch_id, tmp_path / "certificate.xlsx")
    with pytest.raises(BadInput, match="docx"):
        documents.write_approval_lists(completed, completed.batch_id, tmp_path, formats=("docx",))


def test_a_cancelled_batch_has_no_approval_lists(batch):
    disposal.cancel_batch(batch, RM, batch.batch_id, "Wrong as-of date")
    with pytest.raises(Conflict, match="cancelled"):
        documents.approval_lists(batch, batch.batch_id)


# -- the writers alone, without a database -----------------------------------------------------
def _row(i: int, decision: str = "destroy") -> docs.ApprovalRow:
    return docs.ApprovalRow(f"BX{i:07d}", "FIN-AP", "Accounts Payable", "FIN-01-01",
                            "Paid supplier invoices and payment vouchers", "Limitation Act 1980 s.5",
                            date(2017, 4, 1), date(2018, 3, 31), date(2025, 3, 31), decision)


def test_a_long_approval_list_repeats_its_heading_on_every_page(tmp_path):
    data = docs.ApprovalList(7, "Ian Iao", "ian", None, AS_OF, "Rita Records",
                             tuple(_row(i) for i in range(60)))
    out = docs.write_approval_list_pdf(data, tmp_path / "list.pdf")
    pages = [p for p in pdf_text(out).split("\f") if p.strip()]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert re.search(r"Barcode\s+Team\s+Class\s+Class description", page)
        assert f"Page {number} of {len(pages)}" in page and "OFFICIAL" in page
    assert sum(page.count("BX") for page in pages) == 60
    width, height = convert_from_path(str(out), dpi=30, first_page=1, last_page=1)[0].size
    assert width > height  # A4 landscape


def test_proposals_and_dates_in_words():
    assert _row(1).proposal == "Destroy"
    assert _row(1, "transfer").proposal == "Transfer to archives"
    assert _row(1, None).proposal == "Not yet decided"
    extend = docs.ApprovalRow("BX1", "T", "Team", "C", "", "", None, None, None, "extend",
                              date(2030, 1, 1), "Audit")
    assert extend.proposal == "Extend to 1 Jan 2030: Audit"
    assert docs.date_range(date(2017, 4, 1), date(2018, 3, 31)) == "1 Apr 2017 – 31 Mar 2018"
    assert docs.date_range(None, date(2018, 3, 31)) == "to 31 Mar 2018"
    assert docs.date_range(None, None) == "not recorded"


def test_an_empty_certificate_section_says_none(tmp_path):
    row = docs.CertificateRow("BX0000001", "FIN-AP", "Accounts Payable", "FIN-01-01", None, None, 143)
    data = docs.Certificate("PIG-00009", 9, "North County Council", DESTROYED_ON, "pulping", "Pulpco",
                            "P-1", (), None, (row,), (), (), (), ("Ian Iao",), "Rita Records", AS_OF)
    text = pdf_text(docs.write_certificate_pdf(data, tmp_path / "c.pdf"))
    flat = " ".join(text.split())
    assert f"{docs.SECTION_PULLED}: 0 None." in flat
    assert re.search(r"Weight\s+Boxes not destroyed\s+not recorded\s+none", flat)
    assert "BX0000001" in sections(text)["destroyed"]
