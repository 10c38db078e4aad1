"""Write the messy import files in this folder (see README.md for what each holds).

    .venv/bin/python tests/data/imports/make_corpus.py [OUTPUT_DIR]

Deterministic: the same bytes on every run (the XLSX parts carry fixed timestamps), so
the committed files can be checked against a fresh run.
"""

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

# The data tables below are laid out by hand.
# fmt: off

HERE = Path(__file__).resolve().parent
FIXED_TIME = datetime(2024, 4, 1, 12, 0, 0)


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """Rows as CSV, quoting only fields that need it (as Excel and CRMs do)."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(delimiter.join(cells))
    return newline.join(lines) + newline


def clients_utf8_bom_semicolon() -> bytes:
    rows = [
        ["External ID", "Name", "Country", "City", "Phone", "Email", "Created", "Annual fee"],
        ["C-001", "Syarikat Bunga Raya Sdn Bhd", "Malaysia", "Kuala Lumpur", "+60 3-2141 5678", "hello@bungaraya.my",
         "05.03.2024", "12.500,00"],
        ["C-002", "Адвокатско дружество Петров и сие", "България", "София", "+359 2 987 6543", "office@petrov-law.bg",
         "12.03.2024", "8.400,00"],
        ["C-003", "帷幄咨询有限公司", "中国", "北京", "+86 10 8888 1234", "contact@weiwo.cn", "2024.03.15",
         "98.000,00"],
        ["C-004", "臺北品牌營銷顧問有限公司", "臺灣", "臺北", "+886 2 2345 6789", "info@tpbrand.tw", "2024.03.18",
         "450.000,00"],
        ["C-005", "Kővári és Társa Ügyvédi Iroda", "Magyarország", "Győr", "+36 96 123 456", "iroda@kovari.hu",
         "2024. 03. 20.", "3.600.000,00"],
        ["C-006", "Szűcs; Erdős Könyvelő Bt.", "Magyarország", "Pécs", "+36 72 555 010", "info@szucs-erdos.hu",
         "21.03.2024", "1.250.000,00"],
    ]
    more = [
        ["C-007", "Perunding Keyakinan Enterprise", "Malaysia", "Johor Bahru", "+60 7-223 4455", "", "22.03.2024",
         "7.800,50"],
        ["C-008", "Счетоводна кантора Димитров ЕООД", "България", "Пловдив", "+359 32 600 700", "dimitrov@kantora.bg",
         "25.03.2024", "5.100,00"],
    ]
    last = [
        ["C-009", "香港忠誠度顧問", "香港", "香港", "+852 2123 4567", "hello@loyalty.hk",
         "26.03.2024", "88.000,00"],
        ["C-010", "Hőgyes Pénzügyi Tanácsadó Kft.", "Magyarország", "Debrecen", "+36 52 411 222",
         "hogyes@hogyes.hu", "28.03.2024", "920.000,00"],
    ]
    text = csv_text(rows, ";") + "\r\n" + csv_text(more, ";") + ";" * 7 + "\r\n"
    return b"\xef\xbb\xbf" + (text + csv_text(last, ";")).encode("utf-8")


HUNGARIAN = [
    ("Kővári és Társa Ügyvédi Iroda", "Győr", "Jog"),
    ("Szűcs Könyvelő Bt.", "Pécs", "Könyvelés"),
    ("Győri Fővállalkozó Kft.", "Győr", "Építőipar"),
    ("Erdős Tanácsadó Zrt.", "Szeged", "Tanácsadás"),
    ("Hőgyes Pénzügyi Tanácsadó", "Budapest", "Pénzügy"),
    ("Fűzfa Mérnökiroda", "Székesfehérvár", "Mérnöki szolgáltatás"),
    ("Csűrös és Fiai Bt.", "Hódmezővásárhely", "Könyvelés"),
    ("Pető Építész Stúdió", "Kőszeg", "Építészet"),
    ("Őri Gábor egyéni vállalkozó", "Nyíregyháza", "Tanácsadás"),
    ("Törő Szolgáltató Kft.", "Mezőkövesd", "Ügyfélszolgálat"),
    ("Bőszénfai Ügyfélszolgálat Kft.", "Kaposvár", "Ügyfélszolgálat"),
    ("Szőke és Hegedűs Ügyvédek", "Miskolc", "Jog"),
]


def clients_hu_cp1250() -> bytes:
    rows = [["Azonosító", "Név", "Város", "Ország", "Telefon", "E-mail", "Létrehozva", "Iparág"]]
    for n, (name, city, industry) in enumerate(HUNGARIAN, start=1):
        email = f"iroda{n:02d}@ugyfel.hu"
        rows.append([f"HU-{n:02d}", name, city, "Magyarország", f"+36 1 234 {5600 + n}", email,
                     f"2024. 01. {n + 7:02d}.", industry])
    return csv_text(rows, ";").encode("cp1250")


BULGARIAN = [
    ("Адвокатско дружество Петров, Иванов и сие", "София"),
    ("Консултантска къща Иванова", "Пловдив"),
    ("Счетоводна кантора Димитров", "Варна"),
    ("Архитектурно студио Георгиев", "Бургас"),
    ("Застрахователен брокер Стоянов ООД", "Русе"),
    ("Маркетингова агенция Юли ЕООД", "Стара Загора"),
    ("Доверие Консулт ЕООД", "Плевен"),
    ("Персонал Плюс АД", "Велико Търново"),
    ("Услуги Тодоров ЕТ", "София"),
    ('Нематериални услуги "Качество" ООД', "Варна"),
]


def clients_bg_cp1251() -> bytes:
    rows = [["ID", "Име", "Град", "Държава", "Телефон", "Имейл", "Създаден"]]
    for n, (name, city) in enumerate(BULGARIAN, start=1):
        rows.append([f"BG-{n:02d}", name, city, "България", f"+359 2 987 {6500 + n}",
                     f"office{n:02d}@firma.bg", f"{n + 4:02d}.02.2024"])
    return csv_text(rows).encode("cp1251")


SIMPLIFIED = [
    ("帷幄咨询有限公司", "北京", "2024年3月5日"),
    ("北京品牌营销策划有限公司", "北京", "2024/03/06"),
    ("上海专业服务咨询", "上海", "2024年3月7日"),
    ("广州互联网品牌推广", "广州", "2024/03/08"),
    ("深圳质量管理顾问", "深圳", "2024年3月11日"),
    ("杭州客户服务中心", "杭州", "2024/03/12"),
    ("成都数字营销工作室", "成都", "2024年3月13日"),
    ("南京定价策略咨询", "南京", "2024/03/14"),
    ("武汉沟通知识培训", "武汉", "2024年3月15日"),
    ("西安服务营销要素研究所", "西安", "2024/03/18"),
]


def clients_zh_gb18030() -> bytes:
    rows = [["编号", "公司名称", "城市", "国家", "电话", "创建日期"]]
    for n, (name, city, created) in enumerate(SIMPLIFIED, start=1):
        rows.append([f"CN-{n:02d}", name, city, "中国", f"+86 10 8888 {1200 + n}", created])
    return csv_text(rows).encode("gb18030")


TRADITIONAL = [
    ("臺北品牌營銷顧問有限公司", "臺北", "臺灣"),
    ("高雄客戶服務策略", "高雄", "台灣"),
    ("臺中優質服務企業", "臺中", "臺灣"),
    ("新竹關鍵營銷工作室", "新竹", "臺灣"),
    ("香港忠誠度顧問", "香港", "香港"),
    ("台南產品與服務", "台南", "台灣"),
    ("桃園市場競爭研究", "桃園", "臺灣"),
    ("九龍全球購買顧問", "九龍", "香港"),
]


def clients_zh_big5() -> bytes:
    rows = [["編號", "公司名稱", "城市", "國家", "電話", "建立日期"]]
    for n, (name, city, country) in enumerate(TRADITIONAL, start=1):
        rows.append([f"TW-{n:02d}", name, city, country, f"+886 2 2345 {6700 + n}", f"2024/3/{n + 4}"])
    return csv_text(rows).encode("big5")


MALAY = [
    ("Syarikat Bunga Raya Sdn Bhd", "Kuala Lumpur", "Perunding"),
    ("Perunding Keyakinan Enterprise", "Johor Bahru", "Perunding"),
    ("Pembekal Profesional Sdn Bhd", "Pulau Pinang", "Perkhidmatan profesional"),
    ("Kualiti Pelaksanaan Berhad", "Ipoh", "Kualiti"),
    ("Pemasaran Perkhidmatan Jaya", "Kota Kinabalu", "Pemasaran"),
    ("Guaman Ahmad, Rakan & Co", "Kuching", "Guaman"),
    ("Akauntan Siti Nurhaliza", "Shah Alam", "Perakaunan"),
    ("Pelanggan Setia Trading", "Melaka", "Perdagangan"),
    ("Keuntungan Bersama Sdn Bhd", "Seremban", "Kewangan"),
    ("Pilihan Terbaik Consulting", "Kuantan", "Perunding"),
]


def clients_ms_tab() -> bytes:
    lines = ["ID\tNama Syarikat\tBandar\tNegara\tTelefon\tE-mel\tIndustri"]
    for n, (name, city, industry) in enumerate(MALAY, start=1):
        lines.append(f"MY-{n:02d}\t{name}\t{city}\tMalaysia\t+60 3-2141 {5600 + n}\tinfo{n}@syarikat.my\t{industry}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def clients_utf16_excel() -> bytes:
    rows = [
        ["Name", "City", "Country", "Phone"],
        ["Syarikat Bunga Raya Sdn Bhd", "Kuala Lumpur", "MY", "+60 3-2141 5678"],
        ["Адвокатско дружество Петров и сие", "София", "BG", "+359 2 987 6543"],
        ["帷幄咨询有限公司", "北京", "CN", "+86 10 8888 1234"],
        ["臺北品牌營銷顧問有限公司", "臺北", "TW", "+886 2 2345 6789"],
        ["Kővári és Társa Ügyvédi Iroda", "Győr", "HU", "+36 96 123 456"],
        ['Szűcs "Könyvelő" Bt.', "Pécs", "HU", "+36 72 555 010"],
    ]
    return b"\xff\xfe" + csv_text(rows, "\t").encode("utf-16-le")


def contacts_quoted_multiline() -> bytes:
    rows = [
        ["Contact ID", "Company", "Name", "Email", "Job Title", "Notes"],
        ["P-01", "Syarikat Bunga Raya Sdn Bhd", "Siti Nurhaliza", "siti@bungaraya.my", "Pengarah",
         "Prefers calls, not email"],
        ["P-02", "Адвокатско дружество Петров и сие", "Иван Петров", "ivan@petrov-law.bg", "Управител",
         "Met at the Sofia fair.\nFollow up in April."],
        ["P-03", "帷幄咨询有限公司", "王伟", "wang.wei@weiwo.cn", "总经理", 'He said "call me Wei"'],
        ["P-04", "Kővári és Társa Ügyvédi Iroda", "Kővári Ödön", "odon@kovari.hu", "Ügyvéd",
         "Line one\nLine two\nLine three"],
        ["P-05", "臺北品牌營銷顧問有限公司", "陳怡君", "chen@tpbrand.tw", "經理", ""],
        ["P-06", "Szűcs; Erdős Könyvelő Bt.", "Szűcs Éva", "eva@szucs-erdos.hu", "Könyvelő, partner",
         "'=SUM(A1:A3)"],
    ]
    return csv_text(rows, ",", "\n").encode("utf-8")


def invoices_amounts_dates() -> bytes:
    rows = [
        ["Invoice Number", "Customer", "Invoice Date", "Total", "Currency"],
        ["INV-001", "Syarikat Bunga Raya Sdn Bhd", "2024-03-05", "RM 1,200.00", "MYR"],
        ["INV-002", "Адвокатско дружество Петров и сие", "05.03.2024", "1.234,50 лв.", "BGN"],
        ["INV-003", "帷幄咨询有限公司", "2024年3月5日", "¥12,345", "CNY"],
        ["INV-004", "臺北品牌營銷顧問有限公司", "2024/03/05", "NT$45,000", "TWD"],
        ["INV-005", "Kővári és Társa Ügyvédi Iroda", "2024. 03. 05.", "1 234 500 Ft", "HUF"],
        ["INV-006", "Szűcs Könyvelő Bt.", "45356", "€ 1.234,50", "EUR"],
        ["INV-007", "Hőgyes Pénzügyi Tanácsadó", "25/03/2024", "(12.50)", "EUR"],
        ["INV-008", "Perunding Keyakinan Enterprise", "26/03/2024", "1,234.56", "MYR"],
        ["INV-009", "Счетоводна кантора Димитров", "27.03.2024", "-12,5", "BGN"],
        ["INV-010", "香港忠誠度顧問", "2024-03-28T10:30:00", "HK$8,800.00", "HKD"],
        ["INV-011", "Erdős Tanácsadó Zrt.", "2024.03.29", "1\u00a0234,56", "EUR"],
        ["INV-012", "Győri Fővállalkozó Kft.", "30.03.24", "1'234.56", "EUR"],
    ]
    return csv_text(rows).encode("utf-8")


def hubspot_companies() -> bytes:
    head = ["Record ID", "Company name", "Company Domain Name", "Phone Number", "Country/Region", "City",
            "State/Region", "Industry", "Company owner", "Create Date", "Lifecycle Stage", "Type",
            "Number of Employees", "Annual Revenue"]
    data = [
        ["9876543201", "Syarikat Bunga Raya Sdn Bhd", "bungaraya.my", "+60 3-2141 5678", "Malaysia",
         "Kuala Lumpur", "Wilayah Persekutuan", "Management Consulting", "Aminah Yusof",
         "2024-03-05 10:15", "customer", "Prospect", "45", "2500000"],
        ["9876543202", "Адвокатско дружество Петров и сие", "petrov-law.bg", "+359 2 987 6543",
         "Bulgaria", "София", "", "Law Practice", "Georgi Ivanov", "2024-03-06 09:00", "lead", "", "12", ""],
        ["9876543203", "帷幄咨询有限公司", "weiwo.cn", "+86 10 8888 1234", "China", "北京", "北京",
         "Marketing and Advertising", "Li Na", "2024-03-07 14:30", "customer", "Partner", "120", ""],
        ["9876543204", "臺北品牌營銷顧問有限公司", "tpbrand.tw", "+886 2 2345 6789", "Taiwan", "臺北", "",
         "Marketing and Advertising", "Li Na", "2024-03-08 08:45", "opportunity", "", "30", ""],
        ["9876543205", "Kővári és Társa Ügyvédi Iroda", "kovari.hu", "+36 96 123 456", "Hungary", "Győr",
         "Győr-Moson-Sopron", "Law Practice", "Georgi Ivanov", "2024-03-11 11:00", "customer", "", "8", ""],
        ["9876543206", "Hőgyes Pénzügyi Tanácsadó", "hogyes.hu", "+36 52 411 222", "Hungary", "Debrecen",
         "", "Financial Services", "Aminah Yusof", "2024-03-12 16:20", "lead", "", "", ""],
        ["9876543207", "香港忠誠度顧問", "loyalty.hk", "+852 2123 4567", "Hong Kong", "香港", "",
         "Management Consulting", "Li Na", "2024-03-13 12:00", "customer", "", "15", ""],
        ["9876543208", "Perunding Keyakinan Enterprise", "keyakinan.my", "+60 7-223 4455", "Malaysia",
         "Johor Bahru", "Johor", "Accounting", "Aminah Yusof", "2024-03-14 09:30", "subscriber", "", "", ""],
    ]
    return csv_text([head, *data]).encode("utf-8")


def hubspot_contacts() -> bytes:
    head = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Job Title", "Associated Company",
            "Contact owner", "Lifecycle Stage", "Create Date"]
    data = [
        ["501", "Siti", "Nurhaliza", "siti@bungaraya.my", "+60 12-345 6789", "Pengarah",
         "Syarikat Bunga Raya Sdn Bhd", "Aminah Yusof", "customer", "2024-03-05 10:20"],
        ["502", "Иван", "Петров", "ivan@petrov-law.bg", "+359 88 123 4567", "Управител",
         "Адвокатско дружество Петров и сие", "Georgi Ivanov", "lead", "2024-03-06 09:05"],
        ["503", "伟", "王", "wang.wei@weiwo.cn", "+86 139 1234 5678", "总经理", "帷幄咨询有限公司",
         "Li Na", "customer", "2024-03-07 14:35"],
        ["504", "怡君", "陳", "chen@tpbrand.tw", "+886 912 345 678", "經理", "臺北品牌營銷顧問有限公司",
         "Li Na", "opportunity", "2024-03-08 08:50"],
        ["505", "Péter", "Kovács", "peter@kovari.hu", "+36 30 123 4567", "Ügyvéd",
         "Kővári és Társa Ügyvédi Iroda", "Georgi Ivanov", "customer", "2024-03-11 11:10"],
        ["506", "", "Hőgyes", "hogyes@hogyes.hu", "", "Ügyvezető", "Hőgyes Pénzügyi Tanácsadó",
         "Aminah Yusof", "lead", "2024-03-12 16:25"],
        ["507", "Ahmad", "", "ahmad@keyakinan.my", "+60 7-223 4456", "Rakan Kongsi",
         "Perunding Keyakinan Enterprise", "Aminah Yusof", "subscriber", "2024-03-14 09:35"],
        ["508", "Мария", "Димитрова", "maria@kantora.bg", "", "Счетоводител",
         "Счетоводна кантора Димитров", "Georgi Ivanov", "customer", "2024-03-15 10:00"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def salesforce_accounts() -> bytes:
    head = ["Account ID", "Account Name", "Type", "Billing City", "Billing State/Province", "Billing Country",
            "Phone", "Website", "Industry", "Account Owner", "Created Date", "Account Number", "Rating"]
    data = [
        ["0015g00000XyZ01AAF", "Syarikat Bunga Raya Sdn Bhd", "Customer - Direct", "Kuala Lumpur", "",
         "Malaysia", "+60 3-2141 5678", "www.bungaraya.my", "Consulting", "Aminah Yusof", "3/5/2024",
         "CD-1001", "Hot"],
        ["0015g00000XyZ02AAF", "Адвокатско дружество Петров и сие", "Prospect", "София", "", "Bulgaria",
         "+359 2 987 6543", "petrov-law.bg", "Legal", "Georgi Ivanov", "3/6/2024", "CD-1002", "Warm"],
        ["0015g00000XyZ03AAF", "帷幄咨询有限公司", "Customer - Channel", "北京", "北京", "China",
         "+86 10 8888 1234", "weiwo.cn", "Consulting", "Li Na", "3/7/2024", "CD-1003", ""],
        ["0015g00000XyZ04AAF", "臺北品牌營銷顧問有限公司", "Customer - Direct", "臺北", "", "Taiwan",
         "+886 2 2345 6789", "tpbrand.tw", "Media", "Li Na", "3/8/2024", "CD-1004", "Cold"],
        ["0015g00000XyZ05AAF", "Kővári és Társa Ügyvédi Iroda", "Customer - Direct", "Győr",
         "Győr-Moson-Sopron", "Hungary", "+36 96 123 456", "kovari.hu", "Legal", "Georgi Ivanov",
         "3/11/2024", "CD-1005", "Hot"],
        ["0015g00000XyZ06AAF", "Hőgyes Pénzügyi Tanácsadó", "Prospect", "Debrecen", "", "Hungary",
         "+36 52 411 222", "hogyes.hu", "Finance", "Aminah Yusof", "3/12/2024", "CD-1006", ""],
        ["0015g00000XyZ07AAF", "香港忠誠度顧問", "Partner", "香港", "", "Hong Kong", "+852 2123 4567",
         "loyalty.hk", "Consulting", "Li Na", "3/25/2024", "CD-1007", "Warm"],
        ["0015g00000XyZ08AAF", "Счетоводна кантора Димитров", "Customer - Direct", "Пловдив", "",
         "Bulgaria", "+359 32 600 700", "kantora.bg", "Accounting", "Georgi Ivanov", "3/26/2024",
         "CD-1008", ""],
    ]
    return csv_text([head, *data]).encode("utf-8")


def salesforce_opportunities() -> bytes:
    head = ["Opportunity ID", "Opportunity Name", "Account Name", "Account ID", "Amount", "Close Date", "Stage",
            "Opportunity Owner", "Opportunity Currency"]
    data = [
        ["0065g00000Ab001AAA", "Bunga Raya - Service audit 2024", "Syarikat Bunga Raya Sdn Bhd",
         "0015g00000XyZ01AAF", "12000.00", "3/15/2024", "Closed Won", "Aminah Yusof", "MYR"],
        ["0065g00000Ab002AAA", "Petrov - Client feedback programme", "Адвокатско дружество Петров и сие",
         "0015g00000XyZ02AAF", "8400.00", "3/20/2024", "Negotiation/Review", "Georgi Ivanov", "BGN"],
        ["0065g00000Ab003AAA", "帷幄 - 服务营销七要素", "帷幄咨询有限公司", "0015g00000XyZ03AAF",
         "98000.00", "3/22/2024", "Closed Won", "Li Na", "CNY"],
        ["0065g00000Ab004AAA", "臺北 - 品牌營銷", "臺北品牌營銷顧問有限公司", "0015g00000XyZ04AAF",
         "450000.00", "3/28/2024", "Proposal/Price Quote", "Li Na", "TWD"],
        ["0065g00000Ab005AAA", "Kővári - Ügyfélérték workshop", "Kővári és Társa Ügyvédi Iroda",
         "0015g00000XyZ05AAF", "3600000.00", "4/2/2024", "Closed Won", "Georgi Ivanov", "HUF"],
        ["0065g00000Ab006AAA", "Hőgyes - retainer", "Hőgyes Pénzügyi Tanácsadó", "0015g00000XyZ06AAF",
         "920000.00", "4/5/2024", "Closed Lost", "Aminah Yusof", "HUF"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def pipedrive_organizations() -> bytes:
    head = ["Organization - ID", "Organization - Name", "Organization - Owner", "Organization - Label",
            "Organization - Address country", "Organization - Address city", "Organization - People",
            "Organization - Open deals", "Organization - Organization created"]
    data = [
        ["101", "Syarikat Bunga Raya Sdn Bhd", "Aminah Yusof", "Hot lead", "Malaysia", "Kuala Lumpur", "2",
         "1", "2024-03-05 10:15:00"],
        ["102", "Адвокатско дружество Петров и сие", "Georgi Ivanov", "Customer", "България", "София", "1",
         "0", "2024-03-06 09:00:00"],
        ["103", "帷幄咨询有限公司", "Li Na", "Customer", "中国", "北京", "3", "2", "2024-03-07 14:30:00"],
        ["104", "臺北品牌營銷顧問有限公司", "Li Na", "Warm lead", "台灣", "臺北", "1", "1",
         "2024-03-08 08:45:00"],
        ["105", "Kővári és Társa Ügyvédi Iroda", "Georgi Ivanov", "Customer", "Magyarország", "Győr", "2",
         "0", "2024-03-11 11:00:00"],
        ["106", "Pemasaran Perkhidmatan Jaya", "Aminah Yusof", "", "Malaysia", "Kota Kinabalu", "0", "0",
         "2024-03-12 16:20:00"],
        ["107", "Fűzfa Mérnökiroda", "Georgi Ivanov", "Cold lead", "Hungary", "Székesfehérvár", "1", "0",
         "2024-03-13 12:00:00"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def odoo_contacts() -> bytes:
    head = ["External ID", "Name", "Company Type", "Email", "Phone", "City", "Country", "Salesperson", "Tags"]
    data = [
        ["__export__.res_partner_41_5f1c2a", "Syarikat Bunga Raya Sdn Bhd", "Company", "hello@bungaraya.my",
         "+60 3-2141 5678", "Kuala Lumpur", "Malaysia", "Aminah Yusof", "Consulting,VIP"],
        ["__export__.res_partner_42_7a9e01", "Адвокатско дружество Петров и сие", "Company",
         "office@petrov-law.bg", "+359 2 987 6543", "София", "Bulgaria", "Georgi Ivanov", "Legal"],
        ["__export__.res_partner_43_0c33d7", "Иван Петров", "Individual", "ivan@petrov-law.bg",
         "+359 88 123 4567", "София", "Bulgaria", "Georgi Ivanov", ""],
        ["__export__.res_partner_44_b2d4e8", "帷幄咨询有限公司", "Company", "contact@weiwo.cn",
         "+86 10 8888 1234", "北京", "China", "Li Na", "Consulting"],
        ["__export__.res_partner_45_91aa30", "臺北品牌營銷顧問有限公司", "Company", "info@tpbrand.tw",
         "+886 2 2345 6789", "臺北", "Taiwan", "Li Na", "Media"],
        ["__export__.res_partner_46_2e7f55", "Kővári és Társa Ügyvédi Iroda", "Company", "iroda@kovari.hu",
         "+36 96 123 456", "Győr", "Hungary", "Georgi Ivanov", "Legal,VIP"],
        ["__export__.res_partner_47_c4b0e2", "Szőke Ödön", "Individual", "odon@szoke.hu", "+36 30 987 6543",
         "Miskolc", "Hungary", "Georgi Ivanov", ""],
        ["__export__.res_partner_48_8d1f6a", "Akauntan Siti Nurhaliza", "Company", "siti@akauntan.my",
         "+60 3-5511 2233", "Shah Alam", "Malaysia", "Aminah Yusof", "Accounting"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def odoo_invoices() -> bytes:
    head = ["Number", "Partner", "Invoice Date", "Due Date", "Total", "Currency", "Status"]
    data = [
        ["INV/2024/00001", "Syarikat Bunga Raya Sdn Bhd", "2024-03-05", "2024-04-04", "1200.00", "MYR", "Paid"],
        ["INV/2024/00002", "Адвокатско дружество Петров и сие", "2024-03-06", "2024-04-05", "8400.00", "BGN",
         "Posted"],
        ["INV/2024/00003", "帷幄咨询有限公司", "2024-03-07", "2024-04-06", "98000.00", "CNY", "Paid"],
        ["INV/2024/00004", "臺北品牌營銷顧問有限公司", "2024-03-08", "2024-04-07", "450000.00", "TWD", "Posted"],
        ["RINV/2024/00001", "Kővári és Társa Ügyvédi Iroda", "2024-03-11", "2024-03-11", "-150000.00", "HUF",
         "Paid"],
        ["INV/2024/00005", "Kővári és Társa Ügyvédi Iroda", "2024-03-11", "2024-04-10", "3600000.00", "HUF",
         "Posted"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def zoho_accounts() -> bytes:
    head = ["Record Id", "Account Name", "Account Owner", "Account Number", "Billing Country", "Billing City",
            "Phone", "Website", "Industry", "Created Time"]
    data = [
        ["zcrm_4876876000000312001", "Syarikat Bunga Raya Sdn Bhd", "Aminah Yusof", "1001", "Malaysia",
         "Kuala Lumpur", "+60 3-2141 5678", "bungaraya.my", "Consulting", "2024-03-05 10:15:00"],
        ["zcrm_4876876000000312002", "Консултантска къща Иванова", "Georgi Ivanov", "1002", "Bulgaria",
         "Пловдив", "+359 32 111 222", "ivanova.bg", "Consulting", "2024-03-06 09:00:00"],
        ["zcrm_4876876000000312003", "上海专业服务咨询", "Li Na", "1003", "China", "上海", "+86 21 6666 7777",
         "shzy.cn", "Consulting", "2024-03-07 14:30:00"],
        ["zcrm_4876876000000312004", "高雄客戶服務策略", "Li Na", "1004", "Taiwan", "高雄", "+886 7 123 4567",
         "kh-service.tw", "Consulting", "2024-03-08 08:45:00"],
        ["zcrm_4876876000000312005", "Erdős Tanácsadó Zrt.", "Georgi Ivanov", "1005", "Hungary", "Szeged",
         "+36 62 333 444", "erdos.hu", "Consulting", "2024-03-11 11:00:00"],
    ]
    return csv_text([head, *data]).encode("utf-8")


def interactions_mixed() -> bytes:
    rows = [
        ["Activity ID", "Company", "Date", "Type", "Assigned To", "Subject"],
        ["A-1", "Syarikat Bunga Raya Sdn Bhd", "2024-03-05T10:30:00+08:00", "Call", "Aminah Yusof",
         "Quarterly review"],
        ["A-2", "Адвокатско дружество Петров и сие", "2024-03-05 09:00", "Meeting", "Georgi Ivanov",
         "Обсъждане на услугите"],
        ["A-3", "帷幄咨询有限公司", "05.03.2024 14:15", "Email", "Li Na", "服务质量跟进"],
        ["A-4", "臺北品牌營銷顧問有限公司", "2024-03-06T08:00:00Z", "Call", "Li Na", "客戶服務策略"],
        ["A-5", "Kővári és Társa Ügyvédi Iroda", "3/7/2024 2:30 PM", "Meeting", "Georgi Ivanov",
         "Ügyfélérték workshop"],
        ["A-6", "Perunding Keyakinan Enterprise", "45358.5", "Call", "Aminah Yusof", "Susulan keyakinan"],
    ]
    return csv_text(rows).encode("utf-8")


def clients_bad_rows() -> bytes:
    rows = [
        ["External ID", "Name", "Country", "City", "Created"],
        ["B-01", "Syarikat Bunga Raya Sdn Bhd", "Malaysia", "Kuala Lumpur", "2024-03-05"],
        ["B-02", "", "Magyarország", "Győr", "2024-03-06"],
        ["B-03", "Адвокатско дружество Петров", "България", "София", "31.02.2024"],
        ["B-04", "帷幄咨询有限公司", "Atlantis", "北京", "2024-03-07"],
        ["B-05", "Kővári és Társa", "Magyarország", "Győr", "2024-13-01"],
        ["B-06", "   ", "Malaysia", "Ipoh", "2024-03-08"],
        ["B-07", "臺北品牌營銷顧問有限公司", "臺灣", "臺北", "2024-03-09"],
    ]
    return csv_text(rows).encode("utf-8")


def invoices_bad_rows() -> bytes:
    rows = [
        ["Invoice Number", "Customer", "Invoice Date", "Total", "Currency"],
        ["X-01", "Syarikat Bunga Raya Sdn Bhd", "2024-03-05", "1,200.00", "MYR"],
        ["X-02", "Адвокатско дружество Петров", "31.02.2024", "100", "BGN"],
        ["X-03", "帷幄咨询有限公司", "2024-03-07", "abc", "CNY"],
        ["X-04", "", "2024-03-08", "50", "EUR"],
        ["X-05", "Kővári és Társa", "2024-03-09", "", "HUF"],
        ["X-06", "臺北品牌營銷顧問有限公司", "2024-03-10", "12,34,5", "TWD"],
        ["X-07", "Szűcs Könyvelő Bt.", "", "99", "EUR"],
        ["X-08", "Hőgyes Pénzügyi Tanácsadó", "2024-03-12", "€ 99,90", "EUR"],
    ]
    return csv_text(rows).encode("utf-8")


def clients_extra_cells() -> bytes:
    text = (
        "Name,City,Country\r\n"
        "Syarikat Bunga Raya Sdn Bhd,Kuala Lumpur,MY\r\n"
        "Kővári és Társa,Győr,HU,\r\n"
        "Адвокатско дружество Петров, Иванов и сие,София,BG\r\n"
        "帷幄咨询有限公司,北京,CN\r\n"
    )
    return text.encode("utf-8")


def clients_stray_quote() -> bytes:
    text = (
        "Name,City,Country\r\n"
        "Syarikat Bunga Raya Sdn Bhd,Kuala Lumpur,MY\r\n"
        "Kővári és Társa,Győr,HU\r\n"
        "帷幄咨询有限公司,北京,CN\r\n"
        '"Szűcs Könyvelő Bt.,Pécs,HU\r\n'
        "臺北品牌營銷顧問有限公司,臺北,TW\r\n"
    )
    return text.encode("utf-8")


def workbook_two_sheets() -> bytes:
    book = openpyxl.Workbook()
    clients = book.active
    assert clients is not None
    clients.title = "Clients"
    clients.append(["External ID", "Name", "Country", "City", "Phone", "Created", "Annual fee"])
    clients.append(["X-01", "Syarikat Bunga Raya Sdn Bhd", "MY", "Kuala Lumpur", 60321415678.0,
                    datetime(2024, 3, 5), 12500.0])
    clients.append(["X-02", "Адвокатско дружество Петров и сие", "BG", "София", 35929876543,
                    datetime(2024, 3, 6), 8400])
    clients.append(["X-03", "帷幄咨询有限公司", "CN", "北京", "+86 10 8888 1234", 45358, 98000.5])
    clients.append([])
    clients.append(["X-04", "臺北品牌營銷顧問有限公司", "TW", "臺北", 886223456789.0,
                    datetime(2024, 3, 8, 9, 30), 450000])
    clients.append(["X-05", "Kővári és Társa Ügyvédi Iroda", "HU", "Győr", "+36 96 123 456", "2024. 03. 11.", 3600000])
    clients.append(["X-06", "Szűcs Könyvelő Bt.", "HU", "Pécs", None, datetime(2024, 3, 12), None])
    clients.append(["X-07", "Perunding Keyakinan Enterprise", "MY", "Johor Bahru", 6072234455, "13/03/2024", 7800.5])
    clients.append(["X-08", "香港忠誠度顧問", "HK", "香港", 85221234567, datetime(2024, 3, 14), 88000])
    for row in range(2, 11):
        clients.cell(row=row, column=6).number_format = "yyyy-mm-dd"
    clients.cell(row=4, column=6).number_format = "General"  # a bare Excel serial number
    invoices = book.create_sheet("Invoices")
    invoices.append(["Invoice Number", "Customer", "Invoice Date", "Total", "Currency"])
    invoices.append(["INV-1", "Syarikat Bunga Raya Sdn Bhd", datetime(2024, 3, 5), 1200.0, "MYR"])
    invoices.append(["INV-2", "Адвокатско дружество Петров и сие", datetime(2024, 3, 6), 8400, "BGN"])
    invoices.append(["INV-3", "帷幄咨询有限公司", datetime(2024, 3, 7), 98000.5, "CNY"])
    invoices.append(["INV-4", "臺北品牌營銷顧問有限公司", datetime(2024, 3, 8), "NT$45,000", "TWD"])
    invoices.append(["INV-5", "Kővári és Társa Ügyvédi Iroda", "2024. 03. 11.", "1 234 500 Ft", "HUF"])
    invoices.append(["INV-6", "Szűcs Könyvelő Bt.", 45364, 0.1, "EUR"])
    for row in range(2, 8):
        invoices.cell(row=row, column=3).number_format = "yyyy-mm-dd"
    invoices.cell(row=7, column=3).number_format = "General"
    book.properties.creator = "servicescape corpus"
    book.properties.created = FIXED_TIME
    saved = io.BytesIO()
    book.save(saved)
    return _fixed_zip(saved.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps (and a fixed 'modified' property) for repeatable bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                start = text.index("<dcterms:modified")
                end = text.index("</dcterms:modified>") + len("</dcterms:modified>")
                fixed = '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-04-01T12:00:00Z</dcterms:modified>'
                content = (text[:start] + fixed + text[end:]).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


FILES = {
    "clients_utf8_bom_semicolon.csv": clients_utf8_bom_semicolon,
    "clients_hu_cp1250.csv": clients_hu_cp1250,
    "clients_bg_cp1251.csv": clients_bg_cp1251,
    "clients_zh_gb18030.csv": clients_zh_gb18030,
    "clients_zh_big5.csv": clients_zh_big5,
    "clients_ms_tab.tsv": clients_ms_tab,
    "clients_utf16_excel.txt": clients_utf16_excel,
    "contacts_quoted_multiline.csv": contacts_quoted_multiline,
    "invoices_amounts_dates.csv": invoices_amounts_dates,
    "workbook_two_sheets.xlsx": workbook_two_sheets,
    "hubspot_companies.csv": hubspot_companies,
    "hubspot_contacts.csv": hubspot_contacts,
    "salesforce_accounts.csv": salesforce_accounts,
    "salesforce_opportunities.csv": salesforce_opportunities,
    "pipedrive_organizations.csv": pipedrive_organizations,
    "odoo_contacts.csv": odoo_contacts,
    "odoo_invoices.csv": odoo_invoices,
    "zoho_accounts.csv": zoho_accounts,
    "interactions_mixed.csv": interactions_mixed,
    "clients_bad_rows.csv": clients_bad_rows,
    "invoices_bad_rows.csv": invoices_bad_rows,
    "clients_extra_cells.csv": clients_extra_cells,
    "clients_stray_quote.csv": clients_stray_quote,
}


def write_corpus(target: Path) -> list[Path]:
    """Write every corpus file into ``target``; return their paths."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in FILES.items():
        path = target / name
        path.write_bytes(make())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
