"""Image licences, credits, patient consent and duplicate pictures (smilepress.images)."""

from __future__ import annotations

import io
import random
import shutil
import sys
from pathlib import Path

import pytest
import yaml

PIL = pytest.importorskip("PIL")  # the extra `site`: the light install has no Pillow
from PIL import Image, ImageDraw  # noqa: E402

from smilepress.checks import images  # noqa: E402
from smilepress.checks.images import (  # noqa: E402 (after the importorskip above)
    ImageRef,
    credit_caption,
    duplicate_images,
    image_findings,
    image_refs,
    resolve_licence,
)
from smilepress.load.front_matter import parse  # noqa: E402
from smilepress.model.findings import Finding  # noqa: E402

ARTICLE = "content/education/article.md"


# -- helpers -------------------------------------------------------------------------------------


def pattern_image(size: int = 256) -> Image.Image:
    """A picture with some structure: a few coloured shapes on a light background."""
    im = Image.new("RGB", (size, size), (240, 240, 235))
    draw, s = ImageDraw.Draw(im), size / 256
    draw.ellipse([30 * s, 40 * s, 150 * s, 160 * s], fill=(200, 30, 40))
    draw.rectangle([140 * s, 120 * s, 240 * s, 230 * s], fill=(20, 60, 180))
    draw.polygon([(10 * s, 240 * s), (90 * s, 170 * s), (120 * s, 250 * s)], fill=(30, 150, 60))
    return im


def other_image(size: int = 256) -> Image.Image:
    """A different picture: stripes and a disc on a dark background."""
    im = Image.new("RGB", (size, size), (20, 20, 30))
    draw, s = ImageDraw.Draw(im), size / 256
    for x in range(0, 256, 32):
        draw.rectangle([x * s, 0, (x + 16) * s, 256 * s], fill=(230, 200, 40))
    draw.ellipse([150 * s, 10 * s, 250 * s, 110 * s], fill=(250, 250, 250))
    return im


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.dir = self.content / "education"
        (self.dir / "images").mkdir(parents=True)

    def image(self, rel: str, im: Image.Image | None = None, **save) -> Path:
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (im or pattern_image()).save(path, **save)
        return path

    def sidecar(self, rel: str, text: str) -> Path:
        path = self.dir / (rel + ".yml")
        path.write_text(text, encoding="utf-8")
        return path

    def check(self, body: str, path: str = ARTICLE, newline: str = "\n", **front) -> list[Finding]:
        text = self.text(body, **front).replace("\n", newline)
        parsed, problems = parse(text, path)
        assert parsed is not None and not problems, problems
        meta = parsed[1].data
        return image_findings(path, text, meta, self.content, self.root / Path(path).parent)

    @staticmethod
    def text(body: str, **front) -> str:
        meta = {"title": "种植牙术后护理", "type": "education", "status": "draft", **front}
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path / "proj")


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "error"]


# -- finding the images --------------------------------------------------------------------------


def test_image_refs_markdown_html_and_reference_images():
    body = (
        '第一段 ![种植体](images/a.png "标题") 和 ![b](<my pic.png>)\n'
        "\n"
        '<img alt="示意图" src="images/h.jpg" srcset="images/h2.jpg 2x, images/h3.jpg 3x">\n'
        "![参考][r1]\n"
        "\n"
        '[r1]: images/ref.png "t"\n'
        "![括号](a\\(1\\).png) ![外链](https://example.com/x.jpg)\n"
        '![空格](my photo.png "标题") ![换行](\n  images/wrapped.png\n)\n'
    )
    refs = image_refs(body)
    assert refs == [
        ImageRef("images/a.png", "种植体", 1),
        ImageRef("my pic.png", "b", 1),
        ImageRef("images/h.jpg", "示意图", 3),
        ImageRef("images/h2.jpg", "示意图", 3),
        ImageRef("images/h3.jpg", "示意图", 3),
        ImageRef("images/ref.png", "参考", 4),
        ImageRef("a(1).png", "括号", 7),
        ImageRef("https://example.com/x.jpg", "外链", 7),
        ImageRef("my photo.png", "空格", 8),
        ImageRef("images/wrapped.png", "换行", 9),
    ]
    first = refs[0]
    assert body.splitlines()[0][first.column - 1 : first.end_column - 1] == "images/a.png"


def test_images_in_code_and_comments_are_ignored():
    body = (
        "```markdown\n![代码](images/fenced.png)\n```\n"
        "~~~~\n![代码](images/tilde.png)\n~~~~\n"
        "\n    ![缩进代码](images/indented.png)\n\n"
        "行内 `![x](images/inline.png)` 代码\n"
        "<!-- ![注释](images/comment.png) -->\n"
        "- 列表项\n\n    ![列表中的图](images/in-list.png)\n"
        "![真的](images/real.png)\n"
    )
    assert [r.src for r in image_refs(body)] == ["images/in-list.png", "images/real.png"]


# -- licences ------------------------------------------------------------------------------------


def test_front_matter_licence(project):
    project.image("images/steps.png")
    found = project.check(
        "正文\n\n![步骤](images/steps.png)\n",
        images=[{"src": "images/steps.png", "licence": "own", "source": "本院设计组绘制"}],
    )
    assert found == []


def test_sidecar_licence(project):
    project.image("images/photo.jpg", format="JPEG")
    project.sidecar("images/photo.jpg", "licence: purchased\nsource: 图库订单 2026-001\n")
    assert project.check("![照片](images/photo.jpg)\n") == []


def test_missing_licence_is_an_error_on_the_image_line(project):
    project.image("images/photo.png")
    found = project.check("第一行\n第二行 ![照片](images/photo.png)\n")
    assert rules(found) == ["image/licence-missing"]
    f = found[0]
    assert (f.category, f.level, f.path) == ("image-licence", "error", ARTICLE)
    text = Project.text("第一行\n第二行 ![照片](images/photo.png)\n")
    line = text.splitlines()[f.line - 1]
    assert line[f.column - 1 : f.end_column - 1] == "images/photo.png" == f.match
    assert (
        "licence" in f.suggestion and "photo.png.yml" in f.suggestion and "images:" in f.suggestion
    )
    assert "著作权法" in f.basis


def test_line_numbers_with_crlf(project):
    project.image("images/photo.png")
    found = project.check("a\nb\n![照片](images/photo.png)\n", newline="\r\n")
    text = Project.text("a\nb\n![照片](images/photo.png)\n")
    assert [f.line for f in found] == [text.splitlines().index("![照片](images/photo.png)") + 1]


def test_unknown_licence(project):
    project.image("images/photo.png")
    found = project.check(
        "![照片](images/photo.png)\n",
        images=[{"src": "images/photo.png", "licence": "网上找的", "source": "百度"}],
    )
    assert rules(found) == ["image/licence-unknown"]
    assert found[0].level == "error" and "网上找的" in found[0].message
    found = project.check(
        "![照片](images/photo.png)\n",
        images=[{"src": "images/photo.png", "licence": "CC-BY", "source": "x", "credit": "张三"}],
    )
    assert rules(found) == ["image/licence-unknown"] and "CC-BY-4.0" in found[0].suggestion


def test_licence_spellings():
    assert resolve_licence("cc by 4.0").key == "CC-BY-4.0"
    assert resolve_licence("CC_BY_SA_4.0").key == "CC-BY-SA-4.0"
    assert resolve_licence("OWN").key == "own"
    assert resolve_licence("Public Domain").key == "public-domain"
    assert resolve_licence("cc0").key == "CC0"
    assert resolve_licence("all rights reserved") is None and resolve_licence(None) is None


def test_cc_licence_needs_credit_and_gets_a_caption(project):
    project.image("images/cc.png")
    entry = {
        "src": "images/cc.png",
        "licence": "CC-BY-4.0",
        "source": "https://commons.wikimedia.org/x",
    }
    found = project.check("![图](images/cc.png)\n", images=[entry])
    assert (
        rules(found) == ["image/credit-missing"]
        and found[0].level == "error"
        and "credit" in found[0].suggestion
    )
    assert project.check("![图](images/cc.png)\n", images=[{**entry, "credit": "张三"}]) == []
    meta = {"images": [{**entry, "credit": "张三"}]}
    assert (
        credit_caption(meta, "images/cc.png", project.content, project.dir)
        == "图片：张三 / CC BY 4.0"
    )
    meta = {"images": [{**entry, "licence": "CC-BY-SA-4.0", "credit": "李四"}]}
    assert (
        credit_caption(meta, "images/cc.png", project.content, project.dir)
        == "图片：李四 / CC BY-SA 4.0"
    )


def test_caption_from_sidecar_and_none_without_credit(project):
    project.image("images/a.png")
    project.image("images/own.png", other_image())
    project.sidecar(
        "images/a.png", "licence: CC-BY-SA-4.0\nsource: https://example.org/a\ncredit: 王五\n"
    )
    assert (
        credit_caption({}, "images/a.png", project.content, project.dir)
        == "图片：王五 / CC BY-SA 4.0"
    )
    meta = {"images": [{"src": "images/own.png", "licence": "own", "source": "本院"}]}
    assert credit_caption(meta, "images/own.png", project.content, project.dir) is None
    assert credit_caption({}, "images/nothing.png", project.content, project.dir) is None


def test_non_commercial_licence_warns_and_blocks_ads(project):
    project.image("images/nc.png")
    entry = {"src": "images/nc.png", "licence": "CC-BY-NC-4.0", "source": "x", "credit": "赵六"}
    found = project.check("![图](images/nc.png)\n", images=[entry])
    assert [(f.rule, f.level) for f in found] == [("image/non-commercial", "warning")]
    found = project.check("![图](images/nc.png)\n", images=[entry], type="ad")
    assert [(f.rule, f.level) for f in found] == [("image/non-commercial", "error")]


def test_missing_source_is_a_warning(project):
    project.image("images/a.png")
    found = project.check(
        "![图](images/a.png)\n", images=[{"src": "images/a.png", "licence": "own"}]
    )
    assert [(f.rule, f.level) for f in found] == [("image/source-missing", "warning")]


# -- patients ------------------------------------------------------------------------------------


def test_patient_photo_needs_consent(project):
    project.image("images/before.png")
    entry = {"src": "images/before.png", "licence": "own", "source": "本院拍摄", "patient": True}
    found = project.check("![术前](images/before.png)\n", images=[entry])
    assert rules(found) == ["image/patient-consent"]
    assert found[0].category == "consent" and found[0].level == "error"
    assert "个人信息保护法" in found[0].basis and "民法典" in found[0].basis
    assert (
        project.check(
            "![术前](images/before.png)\n", images=[{**entry, "consent_ref": "ZQ-2026-017"}]
        )
        == []
    )
    assert (
        project.check("![术前](images/before.png)\n", images=[entry], consent_ref="ZQ-2026-018")
        == []
    )


def test_patient_flag_in_sidecar_counts_even_if_front_matter_omits_it(project):
    project.image("images/after.png")
    project.sidecar("images/after.png", "licence: own\nsource: 本院拍摄\npatient: true\n")
    found = project.check(
        "![术后](images/after.png)\n", images=[{"src": "images/after.png", "licence": "own"}]
    )
    assert "image/patient-consent" in rules(found)
    project.sidecar(
        "images/after.png", "licence: own\nsource: 本院拍摄\npatient: true\nconsent_ref: ZQ-1\n"
    )
    assert project.check("![术后](images/after.png)\n") == []


# -- external, missing and broken ----------------------------------------------------------------


def test_external_image(project):
    body = "![外链](https://example.com/x.jpg)\n"
    found = project.check(body)
    assert rules(found) == ["image/external"]
    assert (
        found[0].level == "error"
        and found[0].category == "image-licence"
        and "盗链" in found[0].message
    )
    entry = {
        "src": "https://example.com/x.jpg",
        "licence": "CC-BY-4.0",
        "source": "https://commons.wikimedia.org/x",
        "credit": "张三",
    }
    found = project.check(body, images=[entry])
    assert [(f.rule, f.level) for f in found] == [
        ("image/external", "warning")
    ] and "盗链" in found[0].message
    found = project.check(body, images=[{k: v for k, v in entry.items() if k != "credit"}])
    assert sorted(rules(errors(found))) == ["image/credit-missing"]


def test_missing_image_file(project):
    found = project.check(
        "![不存在](images/nope.png)\n",
        images=[{"src": "images/nope.png", "licence": "own", "source": "本院"}],
    )
    assert rules(found) == ["image/file-missing"]
    assert (
        "找不到图片文件" in found[0].message
        and "content/education/images/nope.png" in found[0].message
    )


def test_broken_sidecar_is_a_finding_not_an_exception(project):
    project.image("images/a.png")
    project.sidecar("images/a.png", "licence: own\nsource: [本院\ncredit: x\n")
    found = project.check("![图](images/a.png)\n")
    assert rules(found) == ["image/sidecar-invalid"]
    f = found[0]
    assert (
        f.level == "error"
        and "content/education/images/a.png.yml" in f.message
        and "行" in f.message
    )
    project.sidecar("images/a.png", "- 不是映射\n")
    assert rules(project.check("![图](images/a.png)\n")) == ["image/sidecar-invalid"]


def test_bad_images_field_in_front_matter(project):
    found = project.check("正文\n", images="images/a.png")
    assert rules(found) == ["image/front-matter"] and found[0].line == 5
    found = project.check("正文\n", images=[{"licence": "own"}])
    assert rules(found) == ["image/front-matter"] and "src" in found[0].message


def test_same_image_used_twice_is_reported_once(project):
    project.image("images/a.png")
    found = project.check("![一](images/a.png)\n\n![二](./images/a.png)\n")
    assert rules(found) == ["image/licence-missing"]


# -- duplicates ----------------------------------------------------------------------------------


def test_duplicate_images_by_perceptual_hash(project):
    a = project.image("images/a.png")
    b = project.image(
        "images/b-small.jpg", pattern_image().resize((97, 97)), format="JPEG", quality=60
    )
    c = project.image("images/c.png", other_image())
    pairs = duplicate_images([c, b, a, a])
    assert [(x.name, y.name) for x, y, _ in pairs] == [("a.png", "b-small.jpg")]
    assert pairs[0][2] <= 6
    assert duplicate_images([a, c]) == []


def _png(im: Image.Image) -> bytes:
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def test_the_phash_is_imagehash_s_bit_for_bit():
    # Computed with imagehash 4.3 (scipy's DCT) before the numpy DCT replaced it: a hash stored
    # or compared across versions keeps its meaning.
    assert images._compute_phash(_png(pattern_image())) == 0xFAB781C8870E8778
    assert images._compute_phash(_png(other_image())) == 0xB5B5B7484C44754B


def test_the_phash_matches_imagehash_on_many_pictures():
    imagehash = pytest.importorskip("imagehash")  # where it is still installed
    rng = random.Random(7)
    for _ in range(60):
        w, h = rng.randint(8, 300), rng.randint(8, 300)
        im = Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize((w * 2, h * 2))
        expected = int(str(imagehash.phash(im)), 16)
        assert images.phash(im.resize((32, 32), Image.Resampling.LANCZOS)) == expected


def test_without_pillow_duplicates_are_skipped_and_the_holder_says_so(project, monkeypatch):
    project.image("images/a.png")
    project.image("images/b.png")
    monkeypatch.setitem(sys.modules, "PIL", None)  # the light install: `import PIL` fails
    front = {"images": [{"src": "images/a.png", "licence": "own", "source": "本院"}]}
    hashes = images.PictureHashes()
    text = project.text("![a](images/a.png)\n![b](images/b.png)\n", **front)
    meta = parse(text, ARTICLE)[0][1].data
    found = image_findings(ARTICLE, text, meta, project.content, project.dir, hashes)
    assert rules(found) == ["image/licence-missing"]  # b's licence: the other checks still ran
    assert hashes.unavailable


def test_hashes_are_cached_by_content_by_whoever_holds_them(project, monkeypatch):
    a = project.image("images/a.png")
    hashes = images.PictureHashes()
    duplicate_images([a], hashes=hashes)
    copy = project.dir / "images" / "copy.png"
    shutil.copyfile(a, copy)
    calls = []
    monkeypatch.setattr(images, "_compute_phash", lambda data: calls.append(1))
    assert [(x.name, y.name, d) for x, y, d in duplicate_images([a, copy], hashes=hashes)] == [
        ("a.png", "copy.png", 0)
    ]
    assert calls == []
    duplicate_images([a, copy])  # no process-wide cache: a new holder hashes afresh (once)
    assert calls == [1]


def test_duplicate_warning_once_on_the_later_path(project):
    project.image("images/a.png")
    project.image("images/b.jpg", pattern_image().resize((120, 120)), format="JPEG", quality=70)
    project.image("images/c.png", other_image())
    front = {
        "images": [
            {"src": f"images/{n}", "licence": "own", "source": "本院"}
            for n in ("a.png", "b.jpg", "c.png")
        ]
    }
    found = project.check("![a](images/a.png)\n![b](images/b.jpg)\n![c](images/c.png)\n", **front)
    assert rules(found) == ["image/duplicate"]
    f = found[0]
    assert (f.category, f.level, f.match) == ("image-duplicate", "warning", "images/b.jpg")
    assert "content/education/images/a.png" in f.message
    # an article using only the earlier file is not told again; one using only the later one is
    assert project.check("![a](images/a.png)\n", images=front["images"][:1]) == []
    found = project.check("![b](images/b.jpg)\n", images=front["images"][1:2])
    assert rules(found) == ["image/duplicate"]
