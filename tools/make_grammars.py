"""Write grammars/2019.json and grammars/2021.json.

The grammars are data; this script only exists because the two editions share most of
their rows and typing them twice invites drift. Edit here, run it, commit both outputs.
"""
import json
from pathlib import Path

PARTS = [
    {"number": 1, "title": "总体情况", "pattern": "总体情况|总\\s*体\\s*情\\s*况"},
    {"number": 2, "title": "主动公开政府信息情况", "pattern": "主动公开政府信息(?:的)?情况"},
    {"number": 3, "title": "收到和处理政府信息公开申请情况", "pattern": "收到和处理政府信息公开申请(?:的)?情况"},
    {"number": 4, "title": "政府信息公开行政复议、行政诉讼情况",
     # 因政府信息公开申请提起行政复议、提起行政诉讼的情况; 行政法复议 (a common typo)
     "pattern": "政府信息公开.{0,6}行政.{0,2}复议.{0,6}行政诉讼(?:的)?情况"},
    {"number": 5, "title": "存在的主要问题及改进情况",
     "pattern": "存在的?(?:主要)?问题(?:及|和|与)(?:改进|整改)(?:情况|措施)|主要问题(?:及|和|与)(?:改进|整改)(?:情况|措施)",
     # what the part says when its heading is not printed as the template's
     "content": "(?:问题|不足|差距)[^。]{0,60}?(?:改进|整改|下一步|措施)|下一步"},
    {"number": 6, "title": "其他需要报告的事项", "pattern": "其他需要?报告的事项",
     "content": "其他需要报告|信息处理费|收取.{0,6}费|政务公开工作要点"},
]

T3_COLUMNS = [
    {"id": "natural", "label": "自然人"},
    {"id": "commercial", "label": "商业企业"},
    {"id": "research", "label": "科研机构"},
    {"id": "social", "label": "社会公益组织"},
    {"id": "legal", "label": "法律服务机构"},
    {"id": "org_other", "label": "其他", "name": "其他法人或组织"},
    {"id": "total", "label": "总计"},
]


def row(id, label, keywords, text, item=None, group=None, exact=False, name=None):
    r = {"id": id, "label": label, "keywords": keywords, "text": text}
    if name:
        r["name"] = name
    if item:
        r["item"] = item
    if group:
        r["group"] = group
    if exact:
        r["exact"] = True
    return r


# (id, official label, keywords, short name used in messages)
DENIED = [("denied_secret", "属于国家秘密", ["国家秘密"], "国家秘密"),
          ("denied_law", "其他法律行政法规禁止公开", ["禁止公开", "其他法律", "法律行政", "行政止公开"], "法律行政法规禁止"),
          ("denied_safety", "危及“三安全一稳定”", ["三安全一稳定", "三安全", "一稳定"], "三安全一稳定"),
          ("denied_third_party", "保护第三方合法权益", ["第三方"], "第三方权益"),
          ("denied_internal", "属于三类内部事务信息", ["内部事务"], "内部事务"),
          ("denied_process", "属于四类过程性信息", ["过程性信息", "过程性"], "过程性信息"),
          ("denied_enforcement", "属于行政执法案卷", ["执法案卷"], "行政执法案卷"),
          ("denied_query", "属于行政查询事项", ["行政查询", "查询事项"], "行政查询事项")]
UNAVAILABLE = [("unavailable_not_held", "本机关不掌握相关政府信息", ["不掌握"], "不掌握"),
               ("unavailable_no_ready", "没有现成信息需要另行制作", ["另行制作", "没有现成"], "需另行制作"),
               ("unavailable_unclear", "补正后申请内容仍不明确", ["仍不明确", "补正后"], "补正后仍不明确")]
REJECTED = [("rejected_complaint", "信访举报投诉类申请", ["信访举报", "举报投诉", "信访"], "信访举报投诉"),
            ("rejected_duplicate", "重复申请", ["重复申请"], "重复申请"),
            ("rejected_publication", "要求提供公开出版物", ["公开出版物", "出版物"], "公开出版物"),
            ("rejected_mass", "无正当理由大量反复申请", ["大量反复"], "大量反复申请"),
            ("rejected_confirm", "要求行政机关确认或重新出具已获取信息", ["重新出具", "确认或重新"], "确认或重新出具")]
OTHER_2021 = [("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
               ["逾期不补正", "不补正"], "逾期不补正"),
              ("other_no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
               ["缴纳费用", "收费通知"], "逾期未缴费"),
              ("other_other", "其他", ["其他"], "其他")]


def sub_rows(items, group, short):
    out = []
    for n, (id, label, kws, name) in enumerate(items, 1):
        # in flattened text: the printed label, or failing that (misprints such as
        # 其他法律行政止公开) its distinctive keywords; 其他 alone needs its item number
        text = "其他" if id == "other_other" else "|".join([_loose(label)] + kws)
        out.append(row(id, label, kws, text, item=str(n), group=group, exact=id == "other_other",
                       name=f"{short}·{name}"))
    return out


def _loose(label):
    return "\\s*".join(ch if ch not in "“”" else "[“”\"]?" for ch in label)


SINGLE_OTHER = row("other", "（六）其他处理", ["其他处理"], "其他处理", item="（六）", group="三", name="其他处理")


def t3_rows(edition):
    rows = [
        row("received", "一、本年新收政府信息公开申请数量", ["本年新收"], "本年新收政府信息公开申请数量?", item="一",
            name="本年新收"),
        row("carried_over", "二、上年结转政府信息公开申请数量", ["上年结转"], "上年结转政府信息公开申请数量?", item="二",
            name="上年结转"),
        row("granted", "（一）予以公开", ["予以公开"], "予以公开", item="（一）", group="三", name="予以公开"),
        row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["部分公开"],
            "部分公开(?:\\s*（[^）]*）)?", item="（二）", group="三", name="部分公开"),
    ]
    rows += sub_rows(DENIED, "（三）不予公开", "不予公开")
    rows += sub_rows(UNAVAILABLE, "（四）无法提供", "无法提供")
    rows += sub_rows(REJECTED, "（五）不予处理", "不予处理")
    if edition == "2021":
        rows += sub_rows(OTHER_2021, "（六）其他处理", "其他处理")
    else:
        rows.append(SINGLE_OTHER)
    rows += [
        row("total", "（七）总计", ["总计"], "总计", item="（七）", group="三", exact=True),
        row("carried_forward", "四、结转下年度继续办理", ["结转下年度", "结转下年"], "结转下年度?继续办理", item="四",
            name="结转下年度"),
    ]
    return rows


T2_2021 = [
    {"block": "第二十条第（一）项", "columns": [
        {"id": "issued", "label": "本年制发件数", "name": "本年制发"}, {"id": "repealed", "label": "本年废止件数", "name": "本年废止"},
        {"id": "in_force", "label": "现行有效件数", "name": "现行有效"}],
     "rows": [{"id": "rules", "label": "规章", "keywords": ["规章"], "text": "规章"},
              {"id": "normative", "label": "行政规范性文件", "name": "规范性文件", "keywords": ["规范性文件"], "text": "(?:行政)?规范性文件"}]},
    {"block": "第二十条第（五）项", "columns": [{"id": "decisions", "label": "本年处理决定数量", "name": "处理决定数量"}],
     "rows": [{"id": "licensing", "label": "行政许可", "keywords": ["行政许可"], "text": "行政许可"}]},
    {"block": "第二十条第（六）项", "columns": [{"id": "decisions", "label": "本年处理决定数量", "name": "处理决定数量"}],
     "rows": [{"id": "punishment", "label": "行政处罚", "keywords": ["行政处罚"], "text": "行政处罚"},
              {"id": "coercion", "label": "行政强制", "keywords": ["行政强制"], "text": "行政强制"}]},
    {"block": "第二十条第（八）项", "columns": [{"id": "amount", "label": "本年收费金额（单位：万元）", "name": "金额", "amount": True}],
     "rows": [{"id": "fees", "label": "行政事业性收费", "keywords": ["事业性收费", "行政事业性"], "text": "行政事业性收费"}]},
]
_PREV3 = [{"id": "prev", "label": "上一年项目数量"}, {"id": "change", "label": "本年增/减", "signed": True},
          {"id": "decisions", "label": "处理决定数量"}]
T2_2019 = [
    {"block": "第二十条第（一）项", "columns": [
        {"id": "made", "label": "本年新制作数量", "name": "本年新制作"}, {"id": "published", "label": "本年新公开数量", "name": "本年新公开"},
        {"id": "total", "label": "对外公开总数量", "name": "对外公开总数"}],
     "rows": [{"id": "rules", "label": "规章", "keywords": ["规章"], "text": "规章"},
              {"id": "normative", "label": "规范性文件", "keywords": ["规范性文件"], "text": "(?:行政)?规范性文件"}]},
    {"block": "第二十条第（五）项", "columns": _PREV3,
     "rows": [{"id": "licensing", "label": "行政许可", "keywords": ["行政许可"], "text": "行政许可"},
              {"id": "other_services", "label": "其他对外管理服务事项", "keywords": ["对外管理服务", "其他对外"],
               "text": "其他对外管理服务事项"}]},
    {"block": "第二十条第（六）项", "columns": _PREV3,
     "rows": [{"id": "punishment", "label": "行政处罚", "keywords": ["行政处罚"], "text": "行政处罚"},
              {"id": "coercion", "label": "行政强制", "keywords": ["行政强制"], "text": "行政强制"}]},
    {"block": "第二十条第（八）项", "columns": _PREV3[:2],
     "rows": [{"id": "fees", "label": "行政事业性收费", "keywords": ["事业性收费", "行政事业性"], "text": "行政事业性收费"}]},
    {"block": "第二十条第（九）项", "columns": [{"id": "items", "label": "采购项目数量"},
                                         {"id": "amount", "label": "采购总金额", "name": "金额", "amount": True}],
     "rows": [{"id": "procurement", "label": "政府集中采购", "keywords": ["集中采购", "政府采购"], "text": "政府集中采购"}]},
]

T4 = {
    "groups": [{"id": "review", "label": "行政复议"},
               {"id": "suit_direct", "label": "未经复议直接起诉"},
               {"id": "suit_after_review", "label": "复议后起诉"}],
    "columns": [{"id": "upheld", "label": "结果维持"}, {"id": "corrected", "label": "结果纠正"},
                {"id": "other", "label": "其他结果"}, {"id": "pending", "label": "尚未审结"},
                {"id": "total", "label": "总计"}],
    # a grid's header row of table 四 holds one of these; its data row is the first below it
    "header_row_words": ["结果维持", "尚未审结", "结果纠正"],
    "header_words": ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正",
                     "其他结果", "尚未审结", "总计"],
}

# Prose figures that can settle a fused run of table 二 (never override a readable cell).
PROSE_2021 = {
    "t2.normative.issued": ["(?:制发|印发|出台)[^。；，,]{0,12}?规范性文件\\s*(\\d+)\\s*件"],
    "t2.normative.in_force": ["现行有效[^。；，,]{0,10}?规范性文件\\s*(\\d+)\\s*件", "规范性文件\\s*(\\d+)\\s*件[^。；，,]{0,4}现行有效"],
    "t2.normative.repealed": ["废止[^。；，,]{0,10}?规范性文件\\s*(\\d+)\\s*件"],
}


# Words that tell a table apart from the others (the recognizer scores a table by how
# many of them it holds, before the edition is known)
FIND_WORDS = {
    "t2": ["第二十条", "信息内容", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "事业性收费", "集中采购"],
    "t3": ["本年新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "结转下年", "申请人情况", "国家秘密"],
    "t4": ["行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉"],
}
TABLES = {"t2": ("表二", "表二（主动公开政府信息情况）"),
          "t3": ("表三", "表三（收到和处理政府信息公开申请情况）"),
          "t4": ("表四", "表四（行政复议、行政诉讼情况）")}


def table(tid, **fields):
    name, title = TABLES[tid]
    return {"name": name, "title": title, "find_words": FIND_WORDS[tid], **fields}


# rule ids of extractor/rules.py that apply to the edition (X-STOCK needs 现行有效件数, 2021 only)
RULES = ["T3-BALANCE", "T3-OUTCOMES", "T3-ROW-SUM", "T4-GROUP-SUM", "NEGATIVE", "NOT-INTEGER", "PROSE-TABLE", "X-CARRY"]


def grammar(edition):
    return {
        "edition": edition,
        "description": f"The {edition} edition of the 政府信息公开工作年度报告 template "
                       + ("(国办公开办函〔2021〕30号)" if edition == "2021" else "(国办公开办函〔2019〕60号)"),
        "markers": {"2021": ["本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额"],
                    "2019": ["本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量"]}[edition],
        "parts": PARTS,
        "rules": RULES + (["X-STOCK"] if edition == "2021" else []),
        # table 二's first block label (第二十条第（一）项): where its rows start in flattened text
        "t2": table("t2", blocks=T2_2021 if edition == "2021" else T2_2019, key="t2.{row}.{col}",
                    block_start="第二十条第"),
        # labels of table 三 printed with a part-like numeral (一、本年新收…, 三、本年度办理结果):
        # not a report's own part headings
        "t3": table("t3", columns=T3_COLUMNS, rows=t3_rows(edition), key="t3.{row}.{col}", single_other=SINGLE_OTHER,
                    numbered_labels=["本年新收", "上年结转", "办理结果", "结转下年", "申请人情况"]),
        "t4": table("t4", **T4),
        "prose": PROSE_2021 if edition == "2021" else {},
    }


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "grammars"
    for ed in ("2019", "2021"):
        (out / f"{ed}.json").write_text(json.dumps(grammar(ed), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("wrote", out)
