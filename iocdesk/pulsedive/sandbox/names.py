"""Static catalogue the sandbox dataset is drawn from: threats, feeds, risk
factors, places, hosting networks and the word lists names are built from.

Everything malicious-looking is invented. Threat and feed *names* are the
public ones (Zeus, URLhaus...), as Pulsedive shows them; hosting organisations
are invented so that no real company is tied to a verdict. Non-ASCII strings
are deliberate: the server must emit them as ``\\uXXXX``.
"""

from __future__ import annotations

RISKS = ("none", "unknown", "low", "medium", "high", "critical")

# (rfid, description, risk) -- the strings recorded from the real API (API.md §3.1).
RISK_FACTORS = {
    "ptr": (1, "returns PTR record", "none"),
    "third_party": (2, "found in third-party feeds", "medium"),
    "linked_ptr": (3, "all linked indicators return PTR records", "none"),
    "reg_updated": (32, "registration recently updated", "low"),
    "reg_hidden": (44, "registration details hidden", "unknown"),
    "common_isp": (50, "hosted on common ISP", "none"),
    "threat_feeds": (60, "found in threat feeds", "high"),
    "top10k": (61, "linked to top 10k domain", "none"),
    "top100k": (62, "linked to top 100k domain", "none"),
    "linked_ips_ptr": (70, "Linked IPs return PTR records", "none"),
}

# tid, name, category, risk, other names, what it is linked to, Wikipedia article.
# "kinds" says which generated indicators a threat attaches to.
THREATS: tuple[tuple[int, str, str, str, list[str], tuple[str, ...], str | None], ...] = (
    (1, "Zeus", "malware", "high", ["Zbot"], ("c2", "phish", "payload"), "Zeus_(malware)"),
    (67, "Phishing", "phishing", "medium", [], ("phish",), "Phishing"),
    (305, "LDAP DDoS", "attack", "unknown", [], ("scanner",), None),
    (1017, "Emotet", "malware", "critical", ["Geodo", "Heodo"], ("payload", "c2"), "Emotet"),
    (1342, "TrickBot", "malware", "high", ["TrickLoader"], ("c2",), "Trickbot"),
    (1601, "QakBot", "malware", "high", ["QBot", "Pinkslipbot"], ("payload", "c2"), None),
    (2210, "Cobalt Strike", "malware", "critical", ["CobaltStrike", "Beacon"], ("c2",), "Cobalt_Strike"),
    (774, "Dridex", "malware", "high", ["Bugat", "Cridex"], ("payload",), "Dridex"),
    (2530, "AgentTesla", "malware", "high", ["Agent Tesla"], ("payload", "c2"), None),
    (2871, "Formbook", "malware", "high", ["XLoader"], ("payload",), None),
    (1290, "LokiBot", "malware", "high", ["Loki PWS"], ("c2",), None),
    (3322, "AsyncRAT", "malware", "high", [], ("c2",), None),
    (412, "Mirai", "botnet", "high", [], ("bot", "botpayload"), "Mirai_(malware)"),
    (96, "Necurs", "botnet", "medium", [], ("dga",), "Necurs_botnet"),
    (3107, "Mozi", "botnet", "medium", [], ("bot", "botpayload"), None),
    (58, "Spam", "spam", "low", ["Spambot"], ("spam",), None),
    (1544, "SSH Brute Force", "abuse", "medium", ["SSH Bruteforce"], ("scanner",), None),
    (2954, "Magecart", "crime", "high", ["Magecart Group"], ("skimmer",), None),
    (1850, "Ryuk", "malware", "critical", [], ("c2",), "Ryuk_(ransomware)"),
    (640, "Open Proxy", "proxy", "low", [], ("proxy",), None),
)

WIKI_SUMMARIES = {
    "Zeus": "Zeus, ZeuS, or Zbot is a Trojan horse malware package that runs on versions of Microsoft "
    "Windows. It is often used to steal banking information by man-in-the-browser keystroke logging "
    "and form grabbing.",
    "Emotet": "Emotet is a malware strain and a cybercrime operation. First detected in 2014 as a "
    "banking trojan, it later became a loader for other malware.",
    "Mirai": "Mirai is malware that turns networked devices running Linux into remotely controlled "
    "bots that can be used as part of a botnet in large-scale network attacks.",
}

# fid, name, organisation, category, schedule, website
FEEDS = (
    (1, "Zeus Bad Domains", "abuse.ch", "malware", "daily", "https://abuse.ch/"),
    (2, "Zeus Bad IPs", "abuse.ch", "malware", "daily", "https://abuse.ch/"),
    (9, "SSL BL", "abuse.ch", "malware", "hourly", "https://sslbl.abuse.ch/"),
    (11, "Bad IPs", "badIPs", "attack", "daily", "https://www.badips.com/"),
    (54, "URLhaus", "abuse.ch", "malware", "hourly", "https://urlhaus.abuse.ch/"),
    (61, "Feodo Tracker", "abuse.ch", "malware", "hourly", "https://feodotracker.abuse.ch/"),
    (77, "ThreatFox", "abuse.ch", "malware", "hourly", "https://threatfox.abuse.ch/"),
    (23, "OpenPhish", "OpenPhish", "phishing", "hourly", "https://openphish.com/"),
    (24, "PhishTank", "PhishTank", "phishing", "hourly", "https://www.phishtank.com/"),
    (31, "Blocklist.de All", "blocklist.de", "abuse", "daily", "https://www.blocklist.de/en/"),
    (40, "CINS Army List", "Sentinel IPS", "attack", "daily", "https://cinsscore.com/"),
    (45, "Spamhaus DROP", "Spamhaus", "spam", "daily", "https://www.spamhaus.org/drop/"),
    (48, "Tor Exit Nodes", "Tor Project", "proxy", "hourly", "https://check.torproject.org/"),
)
# which feeds report which kind of generated indicator
FEEDS_FOR_KIND = {
    "c2": (2, 9, 61, 77),
    "phish": (23, 24, 1),
    "payload": (54, 77),
    "botpayload": (54,),
    "bot": (11, 40, 31),
    "scanner": (11, 31, 40),
    "dga": (1, 77),
    "spam": (45, 31),
    "skimmer": (77,),
    "proxy": (48, 40),
}

# country, countrycode, region, city, lat, long -- some with non-ASCII names
Place = tuple[str, str, str, str, str, str]
PLACES: tuple[Place, ...] = (
    ("United States of America", "US", "CA", "Los Angeles", "34.0522", "-118.2437"),
    ("United States of America", "US", "VA", "Ashburn", "39.0438", "-77.4874"),
    ("United States of America", "US", "NJ", "Secaucus", "40.7895", "-74.0565"),
    ("Germany", "DE", "HE", "Frankfurt am Main", "50.1109", "8.6821"),
    ("Germany", "DE", "BY", "Nürnberg", "49.4521", "11.0767"),
    ("Netherlands", "NL", "NH", "Amsterdam", "52.3676", "4.9041"),
    ("Russian Federation", "RU", "MOW", "Москва", "55.7558", "37.6173"),
    ("Russian Federation", "RU", "SPE", "Saint Petersburg", "59.9311", "30.3609"),
    ("China", "CN", "BJ", "Beijing", "39.9042", "116.4074"),
    ("Brazil", "BR", "SP", "São Paulo", "-23.5505", "-46.6333"),
    ("France", "FR", "IDF", "Paris", "48.8566", "2.3522"),
    ("Poland", "PL", "MZ", "Warszawa", "52.2297", "21.0122"),
    ("Switzerland", "CH", "ZH", "Zürich", "47.3769", "8.5417"),
    ("Ukraine", "UA", "30", "Kyiv", "50.4501", "30.5234"),
    ("Viet Nam", "VN", "HN", "Hà Nội", "21.0278", "105.8342"),
    ("Turkey", "TR", "34", "İstanbul", "41.0082", "28.9784"),
    ("Singapore", "SG", "01", "Singapore", "1.3521", "103.8198"),
    ("India", "IN", "MH", "Mumbai", "19.0760", "72.8777"),
    ("Canada", "CA", "ON", "Toronto", "43.6532", "-79.3832"),
    ("Romania", "RO", "B", "Bucharest", "44.4268", "26.1025"),
    ("Seychelles", "SC", "18", "Victoria", "-4.6191", "55.4513"),
    ("Moldova, Republic of", "MD", "CU", "Chişinău", "47.0105", "28.8638"),
)

# invented hosting networks: org, ASN
Network = tuple[str, str]
NETWORKS: tuple[Network, ...] = (
    ("Nordhost Networks AB", "AS201734"),
    ("Baltic Cloud Servers SIA", "AS208877"),
    ("Pacific Rim Datacenter Ltd", "AS133921"),
    ("Bluewave Hosting LLC", "AS396214"),
    ("Société d'Hébergement Lumière SAS", "AS212305"),
    ("Kestrel Broadband Inc.", "AS22781"),
    ("Ironbark Colocation Pty Ltd", "AS136557"),
    ("Vostok Telecom JSC", "AS48211"),
    ("Greenline ISP GmbH", "AS197540"),
    ("Harborlight Internet Services", "AS40065"),
    ("Quickserve VPS s.r.o.", "AS210644"),
    ("Jade River Communications Co.", "AS58879"),
)
COMMON_ISPS = {"Kestrel Broadband Inc.", "Greenline ISP GmbH", "Harborlight Internet Services"}

REGISTRARS = (
    "Namefold Registrar LLC",
    "Hostpoint Domains Inc.",
    "Regi.st Ltd",
    "Maplewood Registrar Services",
    "Eurodomain Registry s.r.o.",
    "Privat Registrar (Регистратор) LLC",
)
ISSUERS = (
    ("/C=US/O=Let's Encrypt/CN=R3", "Let's Encrypt"),
    ("/C=US/O=Let's Encrypt/CN=E5", "Let's Encrypt"),
    (
        "/C=GB/ST=Greater Manchester/L=Salford/O=Sectigo Limited/CN=Sectigo RSA Domain Validation Secure Server CA",
        "Sectigo Limited",
    ),
    ("/C=US/O=DigiCert Inc/CN=DigiCert ECC Secure Server CA", "DigiCert Inc"),
)
SERVERS = ("nginx", "Apache", "Apache/2.4.41 (Ubuntu)", "LiteSpeed", "Microsoft-IIS/10.0", "openresty", "nginx/1.18.0")
TECHNOLOGIES = (
    "PHP",
    "jQuery",
    "WordPress",
    "Bootstrap",
    "Nginx",
    "Apache",
    "Google Font API",
    "Font Awesome",
    "OpenSSL",
    "Microsoft ASP.NET",
    "IIS",
    "React",
    "cPanel",
)

# word lists for invented names
BENIGN_WORDS = (
    "bluepine",
    "northwind",
    "copperleaf",
    "quietharbor",
    "redmaple",
    "silverfern",
    "tallgrass",
    "brightwater",
    "stonebridge",
    "oakridge",
    "sunfield",
    "lakeview",
    "greyhawk",
    "amberline",
    "cobaltbay",
    "riverstone",
    "meadowlark",
    "fernhill",
    "ironwood",
    "westgate",
)
BENIGN_SUFFIX = (
    "logistics",
    "bakery",
    "dental",
    "studio",
    "consulting",
    "outdoors",
    "books",
    "labs",
    "travel",
    "media",
    "foods",
    "legal",
    "clinic",
    "print",
    "garden",
    "motors",
)
PHISH_WORDS = (
    "secure",
    "login",
    "update",
    "account",
    "verify",
    "webmail",
    "office",
    "docs",
    "cloud",
    "billing",
    "support",
    "auth",
    "signin",
    "wallet",
    "payment",
    "portal",
    "service",
    "online",
    "confirm",
    "recovery",
    "mailbox",
    "share",
    "invoice",
    "delivery",
    "parcel",
    "alert",
)
MAL_TLDS = (
    "top",
    "xyz",
    "ru",
    "cn",
    "info",
    "biz",
    "tk",
    "ga",
    "ml",
    "cf",
    "gq",
    "online",
    "site",
    "club",
    "shop",
    "live",
    "icu",
    "su",
    "buzz",
    "rest",
    "monster",
    "cyou",
    "in",
    "pw",
    "ws",
)
BENIGN_TLDS = ("com", "net", "org", "de", "io", "co", "fr", "nl", "pl", "com.br", "co.uk", "com.au", "ca", "ch")
# Unicode labels the dataset stores in punycode (IDN), both lookalikes and honest ones
IDN_PHISH = ("почта-вход", "ѕecure-bаnking", "личный-кабинет", "登录-安全")  # "mail login", lookalikes...
IDN_LABELS = ("bücher-laden", "café-zürich", "müller-baustoffe", "dostawa-paczki-ł") + IDN_PHISH
IDN_TLDS = ("com", "de", "xn--p1ai", "net", "online")
HOSTING_WORDS = ("nordhost", "balticcloud", "pacrimdc", "bluewavehost", "lumiere-hebergement", "quickserve")

MAL_URL_PATHS = (
    "/wp-admin/includes/{w}/login.php",
    "/wp-content/plugins/{w}/update.php",
    "/{w}/index.html?session={hex}",
    "/invoice/{n}.doc",
    "/download.php?id={n}&file={w}",
    "/admin/gate.php",
    "/panel/{w}/",
    "/.well-known/pki-validation/{w}.php",
    "/{hex}.exe",
    "/documents/{w}_{n}.zip",
    "/js/jquery.min.{hex}.js",
    "/auth/{w}/verify?email=user%40{w}.com",
)
BOT_URL_PATHS = ("/bins/mirai.{arch}", "/Mozi.{arch2}", "/i.sh", "/bins.sh", "/{w}.{arch}")
ARCHES = ("arm", "arm5", "arm6", "arm7", "mips", "mpsl", "x86", "m68k", "ppc", "sh4")
BENIGN_URL_PATHS = ("/", "/about/", "/contact", "/blog/{w}-{n}", "/shop/item/{n}", "/assets/css/style.css")

PAGE_TITLES = {
    "phish": (
        "Sign in to your account",
        "Webmail Login",
        "Verify your identity",
        "Вход в систему",
        "登录 - 安全验证",
        "Document Shared With You",
        "Confirmación de cuenta",
    ),
    "benign": ("Welcome", "Home", "About us", "Our services", "Café & Bäckerei", "Shop"),
    "c2": ("404 Not Found", "Index of /", "Welcome to nginx!", "IIS Windows Server"),
}

COMMENT_USERS = (
    (1744, "milwizzle", "GRU Officer"),
    (834, "zerodot1", "IndependentSecurityResearcher"),
    (2611, "sherd", "Founder"),
    (5120, "nightjar", "SOC Analyst"),
    (7731, "analyste_sécurité", "CERT"),
)
COMMENTS = (
    "Seen in a phishing campaign targeting our users this week.",
    "Confirmed C2 traffic from two hosts — beaconing every 60 s.",
    "False positive? Looks like a shared hosting IP.",
    "Payload hash matched Emotet loader. 🚩",
    "Observed scanning port 22 repeatedly.",
    "Déjà vu: same infrastructure as last month's campaign.",
    "Redirects to a fake login page after two hops.",
)
