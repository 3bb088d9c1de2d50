using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using static LiquidationEngine.Tests.Support.DaemonCommands;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>Queries pass through the ring but are not journaled (issue 10, point 11).</summary>
[Collection("daemon processes")]
public class QueryJournalTests
{
    private static long JournalRecords(string data) =>
        Directory.GetFiles(Path.Combine(data, "journal"), "journal-*.lqj").Sum(f => (new FileInfo(f).Length - JournalSegmentHeader.Size) / JournalRecord.Size);

    [Fact]
    public async Task Two_thousand_GET_accounts_and_gateway_queries_add_no_journal_record_and_recovery_stays_exact()
    {
        using var dir = new Scenario.TempDir();
        ulong hash;
        using (DaemonProcess d = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await d.ConnectAsync()))
        {
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(Deposit(11, "1000"))).Type);
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(OpenLong(11, "0.01", "65000", 10))).Type);
            long before = JournalRecords(dir.Path);
            Assert.Equal(2, before);

            for (int i = 0; i < 2000; i++)
            {
                (int status, string body) = await d.GetAsync("/accounts/11");
                Assert.True(status == 200, body);
            }

            for (int i = 0; i < 100; i++)
            {
                Assert.Equal(MessageType.AccountBalance, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 11 })).Type);
            }

            // Before the fix: 2,000 GET /accounts added about 4,000 records. Inputs after the queries still journal.
            Assert.Equal(before, JournalRecords(dir.Path));
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(Deposit(11, "5"))).Type);
            Assert.Equal(before + 1, JournalRecords(dir.Path));
            hash = await s.StateHashAsync();
            d.Kill();
            await d.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // Recovery over the gaps the queries left in the sequence chain is exact, and the next inputs journal on.
        using DaemonProcess again = await DaemonProcess.StartAsync(dir.Path);
        using var after = new GatewaySession(await again.ConnectAsync());
        Assert.Equal(hash, await after.StateHashAsync());
        Assert.Equal(MessageType.Ack, (await after.CommandAsync(Deposit(11, "1"))).Type);
        Assert.Equal(Usd("1006") - (await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 11 })).Event.Balance, MarginOf(await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryPosition, Account = 11, Instrument = 0 })));
        again.Kill();
        await again.WaitForExitAsync(TimeSpan.FromSeconds(10));
        using DaemonProcess third = await DaemonProcess.StartAsync(dir.Path);
        using var last = new GatewaySession(await third.ConnectAsync());
        Assert.Equal(MessageType.AccountBalance, (await last.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 11 })).Type);
        Assert.Equal(4, JournalRecords(dir.Path));
    }

    private static long MarginOf(GatewayMessage position) => position.Event.Margin;
}
