#!/usr/bin/env python3
"""Writes config/instruments.json: 150+ linear perpetuals with realistic risk tables.

The tables follow the shape of Binance USD-M brackets (floors, caps, leverage, MMR); the maintenance
amounts are derived here with the continuity recursion cum_n = floor_n * (MMR_n - MMR_n-1) + cum_n-1,
so the engine's loader accepts them. Decimal arithmetic only, so the strings are exact.
Run: python3 config/generate_instruments.py > config/instruments.json
"""
import json
from decimal import Decimal as D

# (cap, max leverage, MMR) per bracket; floors are the previous caps.
TABLES = {
    # Binance BTCUSDT (2023).
    "btc": [(50_000, 125, "0.004"), (250_000, 100, "0.005"), (3_000_000, 50, "0.01"), (15_000_000, 20, "0.025"),
            (30_000_000, 10, "0.05"), (80_000_000, 5, "0.1"), (100_000_000, 4, "0.125"), (200_000_000, 3, "0.15"),
            (300_000_000, 2, "0.25"), (500_000_000, 1, "0.5")],
    "eth": [(50_000, 125, "0.004"), (250_000, 100, "0.005"), (2_000_000, 50, "0.01"), (10_000_000, 20, "0.025"),
            (20_000_000, 10, "0.05"), (50_000_000, 5, "0.1"), (100_000_000, 4, "0.125"), (150_000_000, 3, "0.15"),
            (300_000_000, 2, "0.25"), (500_000_000, 1, "0.5")],
    "large": [(10_000, 75, "0.005"), (50_000, 50, "0.01"), (250_000, 25, "0.02"), (1_000_000, 20, "0.025"),
              (2_000_000, 10, "0.05"), (5_000_000, 5, "0.1"), (10_000_000, 4, "0.125"), (20_000_000, 2, "0.25"),
              (50_000_000, 1, "0.5")],
    "mid": [(5_000, 50, "0.01"), (25_000, 20, "0.025"), (100_000, 10, "0.05"), (250_000, 5, "0.1"),
            (1_000_000, 4, "0.125"), (3_000_000, 2, "0.25"), (5_000_000, 1, "0.5")],
    "small": [(5_000, 25, "0.02"), (25_000, 20, "0.025"), (100_000, 10, "0.05"), (250_000, 5, "0.1"),
              (1_000_000, 4, "0.125"), (2_000_000, 2, "0.25"), (3_000_000, 1, "0.5")],
}

# base, tier, reference price, tick size, lot size
MAJORS = [("BTC", "btc", "65000", "0.1", "0.001"), ("ETH", "eth", "3200", "0.01", "0.001")]
LARGE = ["BNB:580:0.01:0.01", "SOL:150:0.01:0.01", "XRP:0.6:0.0001:0.1", "DOGE:0.15:0.00001:1", "ADA:0.45:0.0001:1",
         "AVAX:35:0.001:0.1", "LINK:15:0.001:0.01", "DOT:7:0.001:0.1", "LTC:85:0.01:0.001", "BCH:450:0.01:0.001",
         "TRX:0.12:0.00001:1", "MATIC:0.7:0.0001:1", "TON:6:0.0001:0.1", "NEAR:6:0.001:1", "APT:9:0.0001:0.1",
         "ARB:1.1:0.0001:0.1", "OP:2.5:0.0001:0.1", "SUI:1.2:0.0001:0.1", "FIL:6:0.001:0.1", "ATOM:8:0.001:0.01",
         "ETC:28:0.001:0.01", "UNI:10:0.001:1", "INJ:28:0.001:0.1", "WLD:5:0.0001:1", "PEPE:0.000012:0.0000001:1"]
MID = ["AAVE", "MKR", "LDO", "RNDR", "IMX", "SEI", "TIA", "STX", "GRT", "ALGO", "HBAR", "ICP", "VET", "EGLD", "FTM",
       "SAND", "MANA", "AXS", "THETA", "XLM", "EOS", "XTZ", "FLOW", "CHZ", "CRV", "SNX", "COMP", "RUNE", "KAVA", "ZEC",
       "DASH", "NEO", "QNT", "GALA", "APE", "DYDX", "GMX", "JUP", "PYTH", "ORDI", "ENS", "BLUR", "FET", "AGIX", "OCEAN",
       "WIF", "BONK", "FLOKI", "SHIB", "JTO"]
SMALL = ["1INCH", "ANKR", "API3", "AR", "ASTR", "AUDIO", "BAND", "BAT", "BEL", "BNT", "C98", "CELO", "CELR", "CFX",
         "CKB", "COTI", "CTSI", "DENT", "DGB", "ENJ", "GLM", "GMT", "HOT", "ICX", "ID", "IOST", "IOTA", "IOTX", "JASMY",
         "KLAY", "KNC", "KSM", "LINA", "LPT", "LRC", "MAGIC", "MASK", "MINA", "MTL", "NKN", "OGN", "ONE", "ONT", "PEOPLE",
         "QTUM", "RDNT", "REEF", "RLC", "ROSE", "RSR", "RVN", "SFP", "SKL", "SSV", "STORJ", "SUSHI", "SXP", "T", "TRB",
         "TRU", "UMA", "WOO", "XEM", "XVS", "YFI", "ZEN", "ZIL", "ZRX", "ACH", "AGLD"]
USDC = ["BTC", "ETH", "SOL", "XRP", "DOGE", "BNB", "LINK", "AVAX", "SUI", "WIF"]
USD = ["BTC", "ETH"]


def brackets(tier):
    out, floor, prev_mmr, cum = [], D(0), None, D(0)
    for cap, lev, mmr in TABLES[tier]:
        mmr = D(mmr)
        if prev_mmr is not None:
            cum = floor * (mmr - prev_mmr) + cum
        out.append({"floor": str(floor), "cap": str(cap), "maxLeverage": lev, "mmr": str(mmr), "cum": str(cum.normalize()) if cum else "0"})
        floor, prev_mmr = D(cap), mmr
    for b in out:  # plain notation, no exponents
        b["cum"] = format(D(b["cum"]), "f")
    return out


def instrument(base, quote, tier, ref, tick, lot, fee):
    return {"symbol": f"{base}-{quote}-PERP", "venueSymbols": [f"{base}{quote}"], "settlementAsset": quote,
            "tickSize": tick, "lotSize": lot, "liquidationFeeRate": fee, "maintenanceBasis": "mark",
            "referencePrice": ref, "brackets": brackets(tier)}


def main():
    items = []
    ref_of = {}
    for base, tier, ref, tick, lot in MAJORS:
        items.append(instrument(base, "USDT", tier, ref, tick, lot, "0.003"))
        ref_of[base] = (tier, ref, tick, lot)
    for entry in LARGE:
        base, ref, tick, lot = entry.split(":")
        items.append(instrument(base, "USDT", "large", ref, tick, lot, "0.005"))
        ref_of[base] = ("large", ref, tick, lot)
    # Mid and small caps get a spread of plausible prices so books are not all alike.
    for i, base in enumerate(MID):
        ref = str(D(1 + (i * 37) % 200) / D(4))
        items.append(instrument(base, "USDT", "mid", ref, "0.0001", "0.1", "0.01"))
        ref_of[base] = ("mid", ref, "0.0001", "0.1")
    for i, base in enumerate(SMALL):
        ref = str(D(1 + (i * 53) % 400) / D(100))
        items.append(instrument(base, "USDT", "small", ref, "0.00001", "1", "0.0125"))
    for base in USDC:
        tier, ref, tick, lot = ref_of[base]
        items.append(instrument(base, "USDC", tier, ref, tick, lot, "0.003"))
    for base in USD:
        tier, ref, tick, lot = ref_of[base]
        items.append(instrument(base, "USD", tier, ref, tick, lot, "0.003"))
    # One instrument on the entry basis (Bybit classic), to exercise the option.
    items.append({**instrument("BTC", "USDT", "btc", "65000", "0.1", "0.001", "0.003"),
                  "symbol": "BTC-USDT-PERP-ENTRY", "venueSymbols": [], "maintenanceBasis": "entry"})
    # USDC is a 6-decimal token (Circle); USDT and USD keep the engine default of 8.
    doc = {"assets": ["USDT", "USDC", "USD"], "assetDecimals": {"USDC": 6}, "instruments": items}
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
