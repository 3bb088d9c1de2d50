using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Tests.Support;

/// <summary>Small catalogs whose risk tables come straight from REFERENCE.md's worked examples.</summary>
internal static class TestInstruments
{
    public const int Usdt = 0;
    public const int Usdc = 1;

    /// <summary>The Binance FAQ table: 50k/250k/1M/10M caps, MMR 0.4/0.5/1/2.5/5 %, cum 0/50/1,300/16,300/266,300.</summary>
    public static RiskBracket[] FaqBrackets() =>
    [
        B("0", "50000", 125, "0.004", "0"),
        B("50000", "250000", 100, "0.005", "50"),
        B("250000", "1000000", 50, "0.01", "1300"),
        B("1000000", "10000000", 20, "0.025", "16300"),
        B("10000000", "20000000", 10, "0.05", "266300"),
    ];

    /// <summary>
    /// Index 0 BTC-USDT (FAQ table, fee 0.3%), 1 TOY-USDT (freqtrade's toy: MMR 0.5% then 1% with cum 0.01 from notional 2),
    /// 2 BTC-USDT-ENTRY (entry basis, MMR 0.5%), 3 ETH-USDC (FAQ table, USDC).
    /// </summary>
    public static InstrumentCatalog Catalog() => Catalog(usdcDecimals: 8);

    /// <summary>The same catalog with USDC kept at its own <paramref name="usdcDecimals"/> (USDT stays at 8).</summary>
    public static InstrumentCatalog Catalog(int usdcDecimals, VenueRules? rules = null)
    {
        var btc = new Instrument(0, "BTC-USDT-PERP", Usdt, P("0.01"), Q("0.001"), R("0.003"), MaintenanceBasis.Mark, FaqBrackets(), P("20000"), BracketBoundary.CapInclusive, rules);
        var toy = new Instrument(1, "TOY-USDT-PERP", Usdt, P("0.00000001"), Q("0.001"), R("0.003"), MaintenanceBasis.Mark,
            [B("0", "2", 100, "0.005", "0"), B("2", "100000000", 50, "0.01", "0.01")], P("10"), BracketBoundary.CapInclusive, rules);
        var entry = new Instrument(2, "BTC-USDT-ENTRY", Usdt, P("0.5"), Q("0.001"), R("0.003"), MaintenanceBasis.Entry,
            [B("0", "2000000", 100, "0.005", "0"), B("2000000", "10000000", 20, "0.025", "40000")], P("20000"), BracketBoundary.CapInclusive, rules);
        var eth = new Instrument(3, "ETH-USDC-PERP", Usdc, P("0.01"), Q("0.001"), R("0.003"), MaintenanceBasis.Mark, FaqBrackets(), P("2000"), BracketBoundary.CapInclusive, rules);
        return new InstrumentCatalog(["USDT", "USDC"], [btc, toy, entry, eth], new Dictionary<string, string> { ["BTCUSDT"] = "BTC-USDT-PERP" }, [8, usdcDecimals]);
    }

    /// <summary>One instrument, BTC-USDT-PERP with the FAQ table, with caps on the given side of the boundary.</summary>
    public static InstrumentCatalog BtcCatalog(BracketBoundary boundary, VenueRules? rules = null)
        => new(["USDT"], [new Instrument(0, "BTC-USDT-PERP", Usdt, P("0.01"), Q("0.001"), R("0.003"), MaintenanceBasis.Mark, FaqBrackets(), P("20000"), boundary, rules)]);

    public static RiskBracket B(string floor, string cap, int lev, string mmr, string cum)
        => new(Money.Parse(floor), Money.Parse(cap), lev, Rate.Parse(mmr), Money.Parse(cum));

    public static Price P(string s) => Price.Parse(s);

    public static Quantity Q(string s) => Quantity.Parse(s);

    public static Rate R(string s) => Rate.Parse(s);

    public static long Px(string s) => Price.Parse(s).Raw;

    public static long Qty(string s) => Quantity.Parse(s).Raw;

    public static long Usd(string s) => Money.Parse(s).Raw;

    /// <summary>Path to the repository's config folder as copied next to the test binaries.</summary>
    public static string ConfigPath(string file) => Path.Combine(AppContext.BaseDirectory, "config", file);
}
