using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Persistence;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>Journal damage with the real daemon: refuse to start (exit 1, file and offset), repair only on request.</summary>
[Collection("daemon processes")]
public class JournalDamageDaemonTests
{
    [Theory]
    [InlineData(false)] // a byte of the segment header
    [InlineData(true)] // a byte of the last flushed (acked) record
    public async Task A_damaged_journal_stops_start_up_with_exit_1_and_Journal_Repair_restarts_it_without_a_stack_trace(bool lastRecord)
    {
        using var dir = new Scenario.TempDir();
        const int Deposits = 40;
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            for (int i = 0; i < Deposits; i++)
            {
                Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 5, Asset = 0, Amount = Usd("1") })).Type);
            }

            first.Kill(); // no final snapshot: the journal is the only copy of the acked deposits
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        string segment = Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "journal"), "journal-*.lqj"));
        long offset = lastRecord ? new FileInfo(segment).Length - JournalRecord.Size : 0;
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[offset + 30] ^= 0x04;
        File.WriteAllBytes(segment, bytes);

        using (DaemonProcess refused = DaemonProcess.Launch(dir.Path, DaemonProcess.TestArgs(dir.Path)))
        {
            Assert.Equal(DaemonExitCodes.StartFailed, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains($"{segment}: offset {offset}: bad ", refused.Errors, StringComparison.Ordinal);
            Assert.Contains("--Journal:Repair=true", refused.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Errors, StringComparison.Ordinal);
        }

        Assert.Equal(bytes.Length, new FileInfo(segment).Length);

        // The header is rebuilt from its first record (no deposit lost); a damaged record is cut and kept aside.
        using DaemonProcess repaired = await DaemonProcess.StartAsync(dir.Path, "--Journal:Repair=true");
        using var after = new GatewaySession(await repaired.ConnectAsync());
        GatewayMessage balance = await after.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 5 });
        Assert.Equal(Usd("1") * (lastRecord ? Deposits - 1 : Deposits), balance.Event.Balance);
        Assert.Contains("Journal repaired on request (Journal:Repair)", repaired.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "journal", JournalRepair.AsideFolder)));
    }
}
