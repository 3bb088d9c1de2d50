using System.Text;
using LiquidationEngine.Instruments;
using LiquidationEngine.Tests.Support;
using Xunit;

namespace LiquidationEngine.Tests.Instruments;

public class InstrumentCatalogTests
{
    [Fact]
    public void The_shipped_config_loads_at_least_150_instruments_with_valid_tables()
    {
        InstrumentCatalog c = InstrumentCatalog.Load(TestInstruments.ConfigPath("instruments.json"));
        Assert.True(c.Count >= 150, $"only {c.Count} instruments");
        Assert.True(c.TryFind("BTCUSDT", out Instrument btc));
        Assert.Equal("BTC-USDT-PERP", btc.Symbol);
        Assert.Equal(10, btc.Brackets.Length);
        // Binance BTCUSDT level 3: floor 250,000, MMR 1%, cum 1,300.
        Assert.Equal(TestInstruments.Usd("1300"), btc.Brackets[2].MaintenanceAmount.Raw);
        Assert.Contains("USDC", c.Assets);
        Assert.Contains(c.Instruments, i => i.Basis == MaintenanceBasis.Entry);
    }

    [Fact]
    public void A_table_that_breaks_the_continuity_recursion_is_rejected_naming_the_bracket()
    {
        string json = Config(cum3: "1200");
        var e = Assert.Throws<InstrumentConfigException>(() => InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("XYZ-USDT-PERP bracket 3", e.Message);
        Assert.Contains("1300", e.Message);
    }

    [Fact]
    public void A_valid_hand_written_table_is_accepted()
    {
        InstrumentCatalog c = InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(Config(cum3: "1300"))));
        Assert.Equal(1, c.Count);
    }

    [Theory]
    [InlineData("\"tickSize\": \"0.01\"", "\"tickSize\": \"abc\"", "tickSize")]
    [InlineData("\"settlementAsset\": \"USDT\"", "\"settlementAsset\": \"EUR\"", "settlementAsset")]
    [InlineData("\"floor\": \"50000\"", "\"floor\": \"40000\"", "previous cap")]
    [InlineData("\"maxLeverage\": 100", "\"maxLeverage\": 200", "maxLeverage")]
    public void Broken_fields_are_rejected_with_the_field_named(string good, string bad, string expected)
    {
        string json = Config(cum3: "1300").Replace(good, bad, StringComparison.Ordinal);
        var e = Assert.Throws<InstrumentConfigException>(() => InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bracket_lookup_includes_the_cap_by_default_as_Binance_writes_floor_below_x_up_to_cap()
    {
        // Binance's bracket table: "0 < notional ≤ 50,000" is tier 1, "50,000 < notional ≤ 250,000" tier 2.
        Instrument btc = TestInstruments.Catalog()[0];
        Assert.Equal(BracketBoundary.CapInclusive, btc.Boundary);
        Assert.Equal(0, btc.BracketIndexFor(TestInstruments.Usd("50000")));
        Assert.Equal(1, btc.BracketIndexFor(TestInstruments.Usd("50000.00000001")));
        Assert.Equal(1, btc.BracketIndexFor(TestInstruments.Usd("250000")));
        Assert.Equal(2, btc.BracketIndexFor(TestInstruments.Usd("250000.00000001")));
        Assert.Equal(4, btc.BracketIndexFor(TestInstruments.Usd("99999999")));
    }

    [Fact]
    public void Bracket_lookup_on_a_floor_inclusive_instrument_starts_the_next_bracket_at_the_cap()
    {
        Instrument btc = TestInstruments.BtcCatalog(BracketBoundary.FloorInclusive)[0];
        Assert.Equal(0, btc.BracketIndexFor(TestInstruments.Usd("49999.99999999")));
        Assert.Equal(1, btc.BracketIndexFor(TestInstruments.Usd("50000")));
        Assert.Equal(2, btc.BracketIndexFor(TestInstruments.Usd("250000")));
    }

    [Theory]
    [InlineData(null, BracketBoundary.CapInclusive)]
    [InlineData("cap", BracketBoundary.CapInclusive)]
    [InlineData("floor", BracketBoundary.FloorInclusive)]
    public void The_bracket_boundary_is_read_from_the_catalog_and_defaults_to_the_cap(string? value, BracketBoundary expected)
    {
        string json = Config(cum3: "1300");
        if (value is not null)
        {
            json = json.Replace("\"liquidationFeeRate\": \"0.003\",", $"\"liquidationFeeRate\": \"0.003\", \"bracketBoundary\": \"{value}\",", StringComparison.Ordinal);
        }

        InstrumentCatalog c = InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, c[0].Boundary);
    }

    [Fact]
    public void An_unknown_bracket_boundary_is_rejected_naming_the_field()
    {
        string json = Config(cum3: "1300").Replace("\"liquidationFeeRate\": \"0.003\",", "\"liquidationFeeRate\": \"0.003\", \"bracketBoundary\": \"both\",", StringComparison.Ordinal);
        var e = Assert.Throws<InstrumentConfigException>(() => InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("XYZ-USDT-PERP: bracketBoundary", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asset_precision_is_read_from_the_catalog_and_defaults_to_8_decimals()
    {
        string json = Config(cum3: "1300").Replace("\"assets\": [\"USDT\"],", "\"assets\": [\"USDT\", \"USDC\"], \"assetDecimals\": { \"USDC\": 6 },", StringComparison.Ordinal);
        InstrumentCatalog c = InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal([8, 6], c.AssetDecimals);
        Assert.Equal(100, c.AssetUnit(1)); // 10^-6 is 100 raw units of 10^-8
        Assert.Equal(TestInstruments.Usd("1.000001"), c.RoundToAsset(1, TestInstruments.Usd("1.00000001"), LiquidationEngine.Numerics.Rounding.Up));
        Assert.Equal(TestInstruments.Usd("1"), c.RoundToAsset(1, TestInstruments.Usd("1.00000099"), LiquidationEngine.Numerics.Rounding.Down));
    }

    [Theory]
    [InlineData("{ \"EUR\": 2 }", "\"EUR\" is not in")]
    [InlineData("{ \"USDT\": 9 }", "precision 9")]
    public void A_bad_asset_precision_is_rejected_naming_it(string decimals, string expected)
    {
        string json = Config(cum3: "1300").Replace("\"assets\": [\"USDT\"],", $"\"assets\": [\"USDT\"], \"assetDecimals\": {decimals},", StringComparison.Ordinal);
        var e = Assert.Throws<InstrumentConfigException>(() => InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_venue_profile_is_read_per_catalog_and_per_instrument_and_defaults_to_crypto_com()
    {
        string plain = Config(cum3: "1300");
        Assert.Same(VenueRules.CryptoCom, InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(plain)))[0].Rules);
        string catalogWide = plain.Replace("\"assets\": [\"USDT\"],", "\"assets\": [\"USDT\"], \"profile\": \"binance\",", StringComparison.Ordinal);
        Assert.Same(VenueRules.Binance, InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(catalogWide)))[0].Rules);
        string own = catalogWide.Replace("\"liquidationFeeRate\": \"0.003\",", "\"liquidationFeeRate\": \"0.003\", \"profile\": \"bybit\",", StringComparison.Ordinal);
        Assert.Same(VenueRules.Bybit, InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(own)))[0].Rules);
        string bad = plain.Replace("\"liquidationFeeRate\": \"0.003\",", "\"liquidationFeeRate\": \"0.003\", \"profile\": \"kraken\",", StringComparison.Ordinal);
        var e = Assert.Throws<InstrumentConfigException>(() => InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(bad))));
        Assert.Contains("profile \"kraken\"", e.Message, StringComparison.Ordinal);
    }

    private static string Config(string cum3) => $$"""
        {
          "assets": ["USDT"],
          "instruments": [{
            "symbol": "XYZ-USDT-PERP", "venueSymbols": ["XYZUSDT"], "settlementAsset": "USDT",
            "tickSize": "0.01", "lotSize": "0.001", "liquidationFeeRate": "0.003",
            "brackets": [
              { "floor": "0", "cap": "50000", "maxLeverage": 125, "mmr": "0.004", "cum": "0" },
              { "floor": "50000", "cap": "250000", "maxLeverage": 100, "mmr": "0.005", "cum": "50" },
              { "floor": "250000", "cap": "1000000", "maxLeverage": 50, "mmr": "0.01", "cum": "{{cum3}}" }
            ]
          }]
        }
        """;
}
