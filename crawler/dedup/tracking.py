"""URL parts that identify a campaign or a click, never the story. Data, not code: add a name here."""

from __future__ import annotations

# Query parameters dropped by exact name (compared in lower case).
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id",
        "ref", "ref_src", "ref_url", "referrer", "cmpid", "cmp", "icid", "ito", "xtor", "ncid", "smid", "smtyp",
        "s_cid", "wt.mc_id", "sr_share", "soc_src", "soc_trk", "taid", "spm", "share", "guccounter",
        "guce_referrer", "guce_referrer_sig", "__twitter_impression", "rss", "cid_source",
    }
)  # fmt: skip

# Query parameters dropped by prefix (utm_source, utm_medium…; at_medium, at_campaign…; ns_mchannel…).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "ito_")

# Query parameters that only ask for the AMP rendering of the same story: name -> the value that means
# AMP (None: any value).
AMP_PARAMS: dict[str, str | None] = {"amp": None, "amp_js_v": None, "usqp": None, "outputtype": "amp"}
