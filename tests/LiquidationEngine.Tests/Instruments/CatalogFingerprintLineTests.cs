using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Tests.Instruments;

/// <summary>Every catalog setting that changes what stored data means is in the fingerprint: a rule profile, a
/// bracket boundary or an asset's precision changed under existing data is named, not started over silently.</summary>
public class CatalogFingerprintLineTests
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "config", "instruments.json");

    private static InstrumentCatalog Load(Action<JsonNode> change)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllText(Shipped))!;
        change(root);
        return InstrumentCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(root.ToJsonString())));
    }

    private static IReadOnlyList<string> Changes(Action<JsonNode> change)
        => CatalogFingerprint.Of(Load(_ => { })).ChangesIn(CatalogFingerprint.Of(Load(change)));

    [Fact]
    public void The_shipped_catalog_matches_itself()
        => Assert.Empty(Changes(_ => { }));

    [Fact]
    public void A_changed_rule_profile_names_the_instrument_and_both_profiles()
    {
        IReadOnlyList<string> changes = Changes(r => r["instruments"]![0]!["profile"] = "binance");
        string change = Assert.Single(changes);
        Assert.StartsWith("instrument 0 was [BTC-USDT-PERP", change, StringComparison.Ordinal);
        Assert.Contains("rules crypto-com", change, StringComparison.Ordinal);
        Assert.Contains("rules binance", change, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_bracket_boundary_is_a_change()
    {
        string change = Assert.Single(Changes(r => r["instruments"]![1]!["bracketBoundary"] = "floor"));
        Assert.StartsWith("instrument 1 was [", change, StringComparison.Ordinal);
        Assert.Contains("boundary CapInclusive", change, StringComparison.Ordinal);
        Assert.Contains("boundary FloorInclusive", change, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_asset_precision_names_the_asset()
    {
        // USDC balances are stored on a 10^-6 grid; reading them as 10^-8 would be a silent 100x error in meaning.
        string change = Assert.Single(Changes(r => r["assetDecimals"]!["USDC"] = 8));
        Assert.Equal("asset 1 was USDC decimals 6, is now USDC decimals 8", change);
    }

    [Fact]
    public void Adding_an_instrument_at_a_new_id_is_not_a_change()
        => Assert.Empty(Changes(r =>
        {
            JsonArray instruments = r["instruments"]!.AsArray();
            JsonNode copy = instruments[0]!.DeepClone();
            copy["symbol"] = "BTC-USDT-PERP-2";
            copy["venueSymbols"] = new JsonArray("BTCUSDT2");
            instruments.Add(copy);
        }));
}
