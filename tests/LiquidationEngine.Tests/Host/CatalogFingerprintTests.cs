using System.Text.Json.Nodes;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using static LiquidationEngine.Tests.Support.DaemonCommands;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>The catalog cannot change under the data (issue 10, point 8), with the real daemon and real files.</summary>
[Collection("daemon processes")]
public class CatalogFingerprintTests
{
    private static readonly string Catalog = Path.Combine(AppContext.BaseDirectory, "config", "instruments.json");

    /// <summary>Writes a copy of the shipped catalog changed by <paramref name="change"/>; returns its path.</summary>
    private static string CatalogCopy(string dir, string name, Action<JsonArray> change)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllText(Catalog))!;
        change(root["instruments"]!.AsArray());
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static void SwapBtcAndEth(JsonArray instruments)
    {
        JsonNode btc = instruments[0]!;
        JsonNode eth = instruments[1]!;
        instruments.RemoveAt(0);
        instruments.RemoveAt(0);
        instruments.Insert(0, eth);
        instruments.Insert(1, btc);
    }

    /// <summary>A BTC position for account 9, then stop: by SIGTERM (final snapshot) or kill -9 (journal only).</summary>
    private static async Task OpenBtcPositionAsync(string data, bool snapshot)
    {
        using DaemonProcess d = await DaemonProcess.StartAsync(data);
        using (var s = new GatewaySession(await d.ConnectAsync()))
        {
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(Deposit(9, "10000"))).Type);
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(OpenLong(9, "0.01", "65000", 10))).Type);
        }

        if (snapshot)
        {
            Assert.Equal(DaemonExitCodes.Clean, await d.TerminateAsync());
        }
        else
        {
            d.Kill();
            await d.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Swapping_BTC_and_ETH_in_the_catalog_refuses_to_start_with_exit_2_saying_what_changed(bool snapshot)
    {
        using var dir = new Scenario.TempDir();
        string data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        await OpenBtcPositionAsync(data, snapshot);
        string swapped = CatalogCopy(dir.Path, "swapped.json", SwapBtcAndEth);

        // Before the fix this started, and account 9's BTC position became an ETH one.
        using DaemonProcess refused = DaemonProcess.Launch(data, [.. DaemonProcess.TestArgs(data), $"--Engine:InstrumentsPath={swapped}"]);
        Assert.Equal(DaemonExitCodes.BadConfiguration, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Engine:InstrumentsPath:", refused.Errors, StringComparison.Ordinal);
        Assert.Contains("was written with another instrument catalog", refused.Errors, StringComparison.Ordinal);
        if (snapshot)
        {
            Assert.Contains("instrument 0 was [BTC-USDT-PERP settles USDT tick 0.1", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("is now [ETH-USDT-PERP", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("instrument 1 was [ETH-USDT-PERP", refused.Errors, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("journal segment ", refused.Errors, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", refused.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_an_instrument_at_a_new_id_is_allowed_and_the_positions_keep_their_instrument()
    {
        using var dir = new Scenario.TempDir();
        string data = Directory.CreateDirectory(Path.Combine(dir.Path, "data")).FullName;
        await OpenBtcPositionAsync(data, snapshot: true);
        string grown = CatalogCopy(dir.Path, "grown.json", instruments =>
        {
            JsonNode added = instruments[0]!.DeepClone();
            added["symbol"] = "NEW-USDT-PERP";
            added["venueSymbols"] = new JsonArray("NEWUSDT");
            instruments.Add(added);
        });

        using DaemonProcess d = await DaemonProcess.StartAsync(data, $"--Engine:InstrumentsPath={grown}");
        using var s = new GatewaySession(await d.ConnectAsync());
        GatewayMessage btc = await s.CommandAsync(new EngineCommand { Kind = CommandKind.QueryPosition, Account = 9, Instrument = 0 });
        Assert.Equal(MessageType.PositionState, btc.Type);
        Assert.Equal(Qty("0.01"), btc.Event.Quantity);

        // The new instrument trades.
        int added = JsonNode.Parse(File.ReadAllText(grown))!["instruments"]!.AsArray().Count - 1;
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.TradeFill, Account = 9, Instrument = added, Side = -1, Quantity = Qty("0.01"), Price = Px("65000"), Leverage = 10 })).Type);
        Assert.Equal(DaemonExitCodes.Clean, await d.TerminateAsync());

        // And again from the snapshot and journal written with the grown catalog.
        using DaemonProcess again = await DaemonProcess.StartAsync(data, $"--Engine:InstrumentsPath={grown}");
        Assert.Equal(DaemonExitCodes.Clean, await again.TerminateAsync());
    }
}
