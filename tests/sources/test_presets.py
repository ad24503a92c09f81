"""Import presets: each vendor's export layout (header rows as exported, Vietnamese text,
the vendor's date format) imported with ``tinhieu import --preset`` into the mapped
Mention fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tinhieu.cli import main
from tinhieu.sources.columns import load_mapping
from tinhieu.sources.presets import PRESETS, get_preset, mapping_for, prepare, to_toml
from tinhieu.store import DuckDBStore

FIELDS = (
    "source_id, platform, kind, url, author_id, author_name, author_followers, title, text, "
    "created_at, likes, comments, shares, views, reach, impressions, parent_id, attrs"
)


def _import(tmp_path: Path, file: Path, preset: str, *extra: str) -> dict[str, dict[str, Any]]:
    db = tmp_path / "t.duckdb"
    args = ["import", str(file), "--preset", preset, "--db", str(db), "--no-nlp", "--json"]
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rejected"] == 0, summary
    with DuckDBStore(db) as store:
        rows = store.fetch_all(f"SELECT {FIELDS} FROM mentions")
    names = [f.strip() for f in FIELDS.split(",")]
    return {r[0]: dict(zip(names, r, strict=True)) for r in rows}


def _utc(row: dict[str, Any]) -> datetime:
    value: datetime = row["created_at"]
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def test_brandwatch_csv_with_report_preamble(tmp_path: Path) -> None:
    file = tmp_path / "brandwatch-mentions.csv"
    file.write_text(
        '"Brandwatch Consumer Research"\n'
        '"Report:","Mentions"\n'
        '"Brand:","Trà sữa Mây"\n'
        '"Author:","analyst@example.vn"\n'
        '"Date Range:","01 Mar 2026 - 07 Mar 2026"\n'
        "\n"
        '"Query Id","Query Name","Date","Title","Url","Domain","Sentiment","Page Type",'
        '"Language","Country","Author","Full Name","Full Text","Impact","Impressions",'
        '"Reach (new)","Resource Id","Thread Id","Twitter Followers","Twitter Likes",'
        '"Twitter Reply Count","Twitter Retweets","Twitter Verified"\n'
        '"2001234567","Mây - brand","2026-03-01 10:15:00.0","","https://x.com/lan/status/1",'
        '"x.com","negative","twitter","vi","Vietnam","lan_nguyen","Lan Nguyễn",'
        '"Giao hàng chậm quá, trà sữa Mây ơi 😤","41.2","1200","800","1890000000000000001",'
        '"","3400","7","2","1","false"\n'
        '"2001234567","Mây - brand","2026-03-02 08:00:00.0","Trà sữa Mây mở chi nhánh mới",'
        '"https://vnexpress.net/tra-sua-may-1.html","vnexpress.net","neutral","news","vi",'
        '"Vietnam","VnExpress","","Chuỗi trà sữa Mây khai trương cửa hàng thứ 50 tại Hà Nội.",'
        '"60","","25000","bw-news-2","","","","","",""\n',
        "utf-8",
    )
    prepared = prepare(file, "brandwatch", tmp_path)
    assert prepared.skipped_lines == 6 and prepared.headers[0] == "Query Id"
    rows = _import(tmp_path, file, "brandwatch")
    tweet = rows["1890000000000000001"]
    assert tweet["platform"] == "x" and tweet["author_name"] == "lan_nguyen"
    assert tweet["text"] == "Giao hàng chậm quá, trà sữa Mây ơi 😤"
    assert (tweet["likes"], tweet["comments"], tweet["shares"]) == (7, 2, 1)
    assert (tweet["author_followers"], tweet["reach"], tweet["impressions"]) == (3400, 800, 1200)
    assert _utc(tweet) == datetime(2026, 3, 1, 3, 15, tzinfo=UTC)  # Asia/Ho_Chi_Minh
    news = rows["bw-news-2"]
    assert news["platform"] == "news" and news["title"] == "Trà sữa Mây mở chi nhánh mới"
    assert news["url"] == "https://vnexpress.net/tra-sua-may-1.html"
    # Impact is not an engagement count: it stays a raw attribute
    assert news["likes"] is None and json.loads(news["attrs"])["Impact"] == "60"


def test_brandwatch_xlsx_with_report_preamble(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in (
        ["Brandwatch Consumer Research"],
        ["Report:", "Mentions"],
        ["Brand:", "Trà sữa Mây"],
        ["Date Range:", "01 Mar 2026 - 07 Mar 2026"],
        [],
    ):
        ws.append(line)
    ws.append(["Query Id", "Date", "Title", "Url", "Page Type", "Author", "Full Text",
               "Impact", "Resource Id", "Twitter Followers", "Twitter Likes"])  # fmt: skip
    ws.append(["2001234567", datetime(2026, 3, 1, 10, 15), None, "https://x.com/lan/status/1",
               "twitter", "lan_nguyen", "Giao hàng chậm quá 😤", 41.2, "1890000000000000001",
               3400, 7])  # fmt: skip
    ws.append(["2001234567", "2026-03-02 08:00:00.0", "Mây mở chi nhánh",
               "https://vnexpress.net/may-1.html", "news", "VnExpress", "Khai trương.", 60,
               "bw-news-2", None, None])  # fmt: skip
    file = tmp_path / "brandwatch-mentions.xlsx"
    wb.save(file)
    prepared = prepare(file, "brandwatch", tmp_path)
    assert prepared.skipped_lines == 5 and prepared.headers[0] == "Query Id"
    assert load_mapping(prepared.mapping_file)["options"]["header_row"] == 6
    rows = _import(tmp_path, file, "brandwatch")
    assert set(rows) == {"1890000000000000001", "bw-news-2"}
    tweet = rows["1890000000000000001"]
    assert tweet["platform"] == "x" and tweet["text"] == "Giao hàng chậm quá 😤"
    assert (tweet["likes"], tweet["author_followers"]) == (7, 3400)
    assert _utc(tweet) == datetime(2026, 3, 1, 3, 15, tzinfo=UTC)  # Asia/Ho_Chi_Minh
    assert rows["bw-news-2"]["platform"] == "news"
    assert json.loads(rows["bw-news-2"]["attrs"])["Impact"] == "60"


def test_xlsx_header_row_option_and_a_plain_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from tinhieu.sources.files import FileFormatError, read_xlsx

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Query Id", "Date", "Full Text", "Resource Id"])
    ws.append(["1", "2026-03-01 10:15:00.0", "ngon", "r1"])
    ws.append(["2", "2026-03-01 11:15:00.0", "dở", "r2"])
    file = tmp_path / "plain.xlsx"
    wb.save(file)
    prepared = prepare(file, "brandwatch", tmp_path)  # no preamble: row 1 is the header
    assert prepared.skipped_lines == 0
    assert "header_row" not in load_mapping(prepared.mapping_file).get("options", {})
    chunk = next(iter(read_xlsx(file, header_row=2)))  # a header further down
    assert chunk.table.column_names == ["1", "2026-03-01 10:15:00.0", "ngon", "r1"]
    assert chunk.table.column("r1").to_pylist() == ["r2"] and chunk.lines == [3]
    with pytest.raises(FileFormatError):
        next(iter(read_xlsx(file, header_row=0)))


def test_meltwater_utf16_tab_export(tmp_path: Path) -> None:
    header = [
        "Date", "Headline", "URL", "Opening Text", "Hit Sentence", "Source", "Influencer",
        "Country", "Language", "Reach", "Engagement", "AVE", "Sentiment", "Keywords",
        "Twitter Screen Name", "Twitter Followers", "Alternate Date Format", "Time",
    ]  # fmt: skip
    rows = [
        [
            "01-Mar-2026 10:15AM", "Mây tăng giá trà sữa", "https://tuoitre.vn/may-1.htm",
            "Chuỗi Mây thông báo tăng giá từ tháng 3.", "…tăng giá trà sữa…", "Tuổi Trẻ",
            "Tuổi Trẻ", "Vietnam", "Vietnamese", "1500000", "120", "3000", "Negative",
            "Mây", "", "", "Mar 1, 2026", "10:15 AM",
        ],
        [
            "02-Mar-2026 09:05PM", "", "https://x.com/minh/status/9", "Trà sữa Mây ngon 🧋",
            "Trà sữa Mây ngon", "Twitter", "Minh", "Vietnam", "Vietnamese", "850", "14", "",
            "Positive", "Mây", "minh_vn", "850", "Mar 2, 2026", "09:05 PM",
        ],
    ]  # fmt: skip
    text = "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    file = tmp_path / "meltwater.csv"
    file.write_bytes(text.encode("utf-16"))
    got = _import(tmp_path, file, "meltwater")
    by_url = {r["url"]: r for r in got.values()}
    news = by_url["https://tuoitre.vn/may-1.htm"]
    assert news["title"] == "Mây tăng giá trà sữa" and news["author_name"] == "Tuổi Trẻ"
    assert news["text"] == "Chuỗi Mây thông báo tăng giá từ tháng 3." and news["reach"] == 1500000
    assert _utc(news) == datetime(2026, 3, 1, 3, 15, tzinfo=UTC)
    tweet = by_url["https://x.com/minh/status/9"]
    assert tweet["platform"] == "x" and tweet["author_id"] == "minh_vn"
    assert tweet["author_followers"] == 850
    assert _utc(tweet) == datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    assert json.loads(tweet["attrs"])["Sentiment"] == "Positive"


def test_sprout_post_performance_us_dates(tmp_path: Path) -> None:
    file = tmp_path / "sprout.csv"
    file.write_text(
        "Date,Post ID,Network,Post Type,Content Type,Profile,Sent by,Link,Post,Impressions,"
        "Reach,Engagements,Reactions,Likes,Comments,Shares,Saves,Video Views\n"
        "03/01/2026 10:15 am,1049_5561,Facebook,Post,Photo,Trà sữa Mây,Lan,"
        'https://www.facebook.com/1049/posts/5561,"Ra mắt vị mới: trà sữa khoai môn 🧋",'
        "12000,9000,640,500,480,90,50,,\n"
        "03/02/2026 09:00 pm,7399001,TikTok,Video,Video,maytea.vn,,"
        "https://www.tiktok.com/@maytea.vn/video/7399001,Hậu trường pha chế,"
        "30000,25000,2100,1800,,200,100,40,28000\n",
        "utf-8",
    )
    rows = _import(tmp_path, file, "sprout")
    fb = rows["1049_5561"]
    assert fb["platform"] == "facebook" and fb["author_name"] == "Trà sữa Mây"
    assert fb["text"] == "Ra mắt vị mới: trà sữa khoai môn 🧋"
    assert (fb["likes"], fb["comments"], fb["shares"], fb["impressions"]) == (500, 90, 50, 12000)
    assert _utc(fb) == datetime(2026, 3, 1, 3, 15, tzinfo=UTC)  # month first
    tt = rows["7399001"]
    assert tt["platform"] == "tiktok" and tt["kind"] == "video" and tt["views"] == 28000
    assert _utc(tt) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_younet_xlsx_vietnamese_headers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["STT", "Tiêu đề", "Nội dung", "Link", "Ngày đăng", "Kênh", "Tác giả", "Lượt thích",
         "Bình luận", "Chia sẻ", "Sắc thái"]
    )  # fmt: skip
    sheet.append(
        [1, "", "Nhân viên Mây phục vụ rất dễ thương ❤️", "https://www.facebook.com/p/1",
         "05/03/2026 14:30", "Facebook", "Hoa Trần", 25, 4, 1, "Tích cực"]
    )  # fmt: skip
    sheet.append(
        [2, "Review trà sữa Mây", "Vị hơi ngọt, giá 45.000đ", "https://voz.vn/t/may.1/",
         "06/03/2026 08:00", "Diễn đàn", "vozer99", 3, 12, 0, "Trung lập"]
    )  # fmt: skip
    file = tmp_path / "younet.xlsx"
    book.save(file)
    got = _import(tmp_path, file, "younet")
    by_url = {r["url"]: r for r in got.values()}
    fb = by_url["https://www.facebook.com/p/1"]
    assert fb["platform"] == "facebook" and fb["author_name"] == "Hoa Trần"
    assert (fb["likes"], fb["comments"], fb["shares"]) == (25, 4, 1)
    assert _utc(fb) == datetime(2026, 3, 5, 7, 30, tzinfo=UTC)  # day first
    forum = by_url["https://voz.vn/t/may.1/"]
    assert forum["platform"] == "forum" and forum["title"] == "Review trà sữa Mây"
    assert json.loads(forum["attrs"])["Sắc thái"] == "Trung lập"


@pytest.mark.parametrize(
    ("preset", "header", "row"),
    [
        (
            "talkwalker",
            "url,published,title,content,lang,source_type,extra_author_attributes.name,"
            "extra_author_attributes.id,reach,engagement,likes,comments,shares,sentiment",
            "https://thanhnien.vn/may-2.htm,2026-03-01T03:15:00Z,Mây giảm giá,"
            "Khuyến mãi 50% toàn hệ thống,vi,ONLINENEWS_OTHER,Thanh Niên,tn,900000,30,20,7,3,0",
        ),
        (
            "buzzmetrics",
            "No,Title,Content,URL,Published Date,Site,Channel,Author,Sentiment,Likes,Comments,"
            "Shares",
            "1,Mây giảm giá,Khuyến mãi 50% toàn hệ thống,https://thanhnien.vn/may-2.htm,"
            "01/03/2026 10:15:00,thanhnien.vn,News,Thanh Niên,Neutral,20,7,3",
        ),
        (
            "kompa",
            "Tiêu đề,Nội dung,Đường dẫn,Thời gian đăng,Nguồn,Tác giả,Tương tác,Bình luận,"
            "Chia sẻ,Sắc thái",
            "Mây giảm giá,Khuyến mãi 50% toàn hệ thống,https://thanhnien.vn/may-2.htm,"
            "01/03/2026 10:15,Báo chí,Thanh Niên,20,7,3,Trung tính",
        ),
    ],
)
def test_other_vendor_layouts(tmp_path: Path, preset: str, header: str, row: str) -> None:
    file = tmp_path / f"{preset}.csv"
    file.write_text(f"{header}\n{row}\n", "utf-8")
    (only,) = _import(tmp_path, file, preset).values()
    assert only["url"] == "https://thanhnien.vn/may-2.htm"
    assert only["text"] == "Khuyến mãi 50% toàn hệ thống"
    assert only["author_name"] == "Thanh Niên" and only["title"] == "Mây giảm giá"
    assert (only["likes"], only["comments"], only["shares"]) == (20, 7, 3)
    assert _utc(only) == datetime(2026, 3, 1, 3, 15, tzinfo=UTC)


def test_presets_are_valid_mapping_files_and_listed(tmp_path: Path) -> None:
    for preset in PRESETS.values():
        headers = [c[0] for c in preset.columns.values()]
        spec = mapping_for(preset, headers)
        path = tmp_path / f"{preset.name}.toml"
        path.write_text(to_toml(spec), "utf-8")
        loaded = load_mapping(path)  # the importer's own checks accept it
        assert {k for k, v in loaded["columns"].items() if v} == set(preset.columns)
        assert preset.basis in ("documented", "assumed")
    with pytest.raises(KeyError, match="brandwatch"):
        get_preset("hootsuite")
    listing = CliRunner().invoke(main, ["import", "--list-presets"])
    assert listing.exit_code == 0 and all(name in listing.output for name in PRESETS)
    wrong = tmp_path / "khac.csv"
    wrong.write_text("a,b\n1,2\n", "utf-8")
    result = CliRunner().invoke(
        main, ["import", str(wrong), "--preset", "sprout", "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code == 2 and "Sprout Social" in result.output
    both = CliRunner().invoke(
        main, ["import", str(wrong), "--preset", "sprout", "--mapping", str(wrong)]
    )
    assert both.exit_code == 2
    unknown = CliRunner().invoke(main, ["import", str(wrong), "--preset", "nope"])
    assert unknown.exit_code == 2 and "kompa" in unknown.output
