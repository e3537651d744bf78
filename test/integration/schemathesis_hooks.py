"""
Values of the OpenAPI document's custom formats (api/formats.ts) for schemathesis, loaded through SCHEMATHESIS_HOOKS by
test/integration/schemathesis.test.ts. Each format is a rule of domain/identity.ts or domain/plausibility.ts that
JSON Schema cannot state (a check character, a name that is a name); the API refuses a value outside it with a 400
naming the field and the rule (issue 21 item 7), so the fuzzer is taught to write values inside it.

Birth dates in generated identity numbers fall in 1940-1982: a claim's separation date is 1999-01-22 or later by its
pattern, and a person is employable from 16 (domain/plausibility.ts separationDateProblem), so every generated pair
keeps both rules.
"""

import datetime

from hypothesis import strategies as st

import schemathesis

RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RESIDENT_ID_CHECK = "10X98765432"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def gb11643_check(first17: str) -> str:
    return RESIDENT_ID_CHECK[sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS)) % 11]


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def luhn_check(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


birth_dates = st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(1982, 12, 31))
digits = lambda n: st.text("0123456789", min_size=n, max_size=n)  # noqa: E731


def gb11643(address: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda a, b, order: (lambda first17: first17 + gb11643_check(first17))(a + b.strftime("%Y%m%d") + order),
        address,
        birth_dates,
        digits(3),
    )


# 居民身份证 / 社会保障卡: a mainland address code (first digit 1-8, not the Hong Kong, Macao, Taiwan codes).
mainland_address = st.builds(lambda first, rest: first + rest, st.sampled_from("12345678"), digits(5)).filter(
    lambda a: a not in ("810000", "820000", "830000")
)
hmt_address = st.sampled_from(["810000", "820000", "830000"])

schemathesis.openapi.format("gb11643-mainland-id", gb11643(mainland_address))
schemathesis.openapi.format("gb11643-id", gb11643(st.one_of(mainland_address, hmt_address)))
schemathesis.openapi.format("gb11643-hmt-permit", gb11643(hmt_address))
schemathesis.openapi.format(
    "foreign-permanent-residence-id",
    st.one_of(
        st.builds(lambda l, d: l + d, st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3), digits(12)),
        gb11643(st.builds(lambda rest: "9" + rest, digits(5))),
    ),
)
schemathesis.openapi.format(
    "gb32100-uscc",
    st.builds(
        lambda head, region, body: (lambda first17: first17 + uscc_check(first17))(head + region + body),
        st.text(USCC_CHARS, min_size=2, max_size=2),
        digits(6),
        st.text(USCC_CHARS, min_size=9, max_size=9),
    ),
)
schemathesis.openapi.format(
    "unionpay-card",
    st.builds(lambda body: (lambda b: b + luhn_check(b))("62" + body), st.integers(13, 16).flatmap(digits)),
)

# A name: 汉字 of common surnames and given names, a minority name with the middle dot, or a Latin name.
HAN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛阎段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文明华国建伟芳秀英敏静丽强磊军洋勇艳杰娟涛超霞平刚桂"
han = lambda lo, hi: st.text(HAN, min_size=lo, max_size=hi)  # noqa: E731
latin = st.builds(lambda first, rest: first + rest, st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10))
schemathesis.openapi.format(
    "person-name",
    st.one_of(
        han(2, 4),
        st.builds(lambda parts: "·".join(parts), st.lists(han(1, 4), min_size=2, max_size=3)),
        st.builds(lambda parts: " ".join(parts), st.lists(latin, min_size=1, max_size=3)),
    ),
)
schemathesis.openapi.format(
    "organisation-name",
    st.builds(
        lambda city, name, kind: city + name + kind,
        st.sampled_from(["沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", ""]),
        han(2, 6),
        st.sampled_from(["有限公司", "股份有限公司", "集团有限公司", "厂", "商店", ""]),
    ),
)


# A document's file part (POST /cases/{caseNumber}/documents, encoding contentType "application/pdf, image/jpeg,
# image/png"): the API reads the type from the content (npm file-type), so each media type is a file that starts as
# that format does, with any bytes after the signature.
def _file(head: bytes) -> st.SearchStrategy[bytes]:
    return st.builds(lambda tail: head + tail, st.binary(max_size=256))


schemathesis.openapi.media_type("application/pdf", _file(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%"))
schemathesis.openapi.media_type("image/jpeg", _file(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
schemathesis.openapi.media_type("image/png", _file(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")))
