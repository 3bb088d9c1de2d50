using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Persistence;

/// <summary>A torn tail is told from damage (issue 10, point 6): damage stops recovery naming file and offset,
/// unless a repair is asked, and a repair never deletes: it moves aside.</summary>
public class JournalDamageTests
{
    private const int Count = 120;
    private static readonly EngineOptions Options = new() { PositionCapacity = 64, AccountCapacity = 16, OpenOrderCapacity = 64 };

    // 25 records a segment: 120 inputs make 5 segments, each flushed record by record as the daemon acks them.
    private static List<EngineCommand> Write(Scenario.TempDir dir)
    {
        var catalog = TestInstruments.Catalog();
        JournalSegmentHeader header = EngineRecovery.SegmentHeader(catalog, Options);
        List<EngineCommand> commands = Scenario.Commands().Take(Count).ToList();
        using var journal = new JournalWriter(dir.Journal, new JournalOptions { FsyncPolicy = FsyncPolicy.None, SegmentBytes = JournalSegmentHeader.Size + (25 * JournalRecord.Size) }, header, 0);
        for (int i = 0; i < commands.Count; i++)
        {
            journal.Append(commands[i], i);
            journal.Flush();
        }

        return commands;
    }

    /// <summary>The state hash of the first <paramref name="n"/> inputs, applied straight to an engine.</summary>
    private static ulong HashOf(List<EngineCommand> commands, int n)
    {
        var e = new Engine(TestInstruments.Catalog(), positions: Options.PositionCapacity);
        foreach (EngineCommand c in commands.Take(n))
        {
            e.Apply(c);
        }

        return e.Hash();
    }

    private static RecoveryResult Recover(Scenario.TempDir dir, bool repair = false)
        => EngineRecovery.Recover(TestInstruments.Catalog(), dir.Snapshots, dir.Journal, Options, new EventLog(), repairJournal: repair);

    private static string[] Segments(Scenario.TempDir dir) => [.. Directory.GetFiles(dir.Journal, "journal-*.lqj").Order(StringComparer.Ordinal)];

    private static void Flip(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0x10));
    }

    private static Dictionary<string, long> Sizes(Scenario.TempDir dir) => Segments(dir).ToDictionary(p => p, p => new FileInfo(p).Length);

    [Theory]
    [InlineData(0, 9)] // first segment, its first-sequence field
    [InlineData(2, 0)] // a middle segment, its magic
    [InlineData(4, 20)] // the last (open) segment, a capacity field
    [InlineData(4, 37)] // the last segment, its CRC
    public void A_flipped_byte_in_any_segment_header_stops_recovery_naming_the_file_and_offset_and_deletes_nothing(int segment, int offset)
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string[] files = Segments(dir);
        Assert.Equal(5, files.Length);
        Flip(files[segment], offset);
        Dictionary<string, long> before = Sizes(dir);

        // Before the fix the last segment was skipped and deleted (25 acked inputs gone, "torn tail truncated 0 bytes").
        JournalDamageException damage = Assert.Throws<JournalDamageException>(() => Recover(dir));
        Assert.Equal(files[segment], damage.Path);
        Assert.Equal(0, damage.Offset);
        Assert.Contains($"{files[segment]}: offset 0: bad segment header", damage.Message, StringComparison.Ordinal);
        Assert.Contains("--Journal:Repair=true", damage.Message, StringComparison.Ordinal);
        Assert.Equal(before, Sizes(dir));

        // Repair asked: the header is rewritten from its first record, so no input is lost; the old file is aside.
        RecoveryResult r = Recover(dir, repair: true);
        Assert.Equal(HashOf(commands, Count), r.StateHash);
        Assert.Equal(Count, r.Replayed);
        Assert.Contains(r.Repairs, a => a.Contains("rewrote the header of " + files[segment], StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Journal, JournalRepair.AsideFolder)));
        Assert.Equal(Count, Recover(dir).Replayed);
    }

    [Fact]
    public void A_flipped_byte_in_the_last_flushed_record_is_damage_not_a_torn_tail()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string last = Segments(dir)[^1];
        long recordAt = new FileInfo(last).Length - JournalRecord.Size;
        Flip(last, recordAt + 60);

        // Before the fix this was "torn tail truncated 88 bytes": an acked input dropped without a word.
        JournalDamageException damage = Assert.Throws<JournalDamageException>(() => Recover(dir));
        Assert.Equal(last, damage.Path);
        Assert.Equal(recordAt, damage.Offset);
        Assert.Equal(recordAt + JournalRecord.Size, new FileInfo(last).Length);

        // Repair asked: the records before it are kept, the damaged record is kept aside with its whole segment.
        RecoveryResult r = Recover(dir, repair: true);
        Assert.Equal(Count - 1, r.Replayed);
        Assert.Equal(HashOf(commands, Count - 1), r.StateHash);
        string copy = Assert.Single(Directory.GetFiles(Path.Combine(dir.Journal, JournalRepair.AsideFolder)));
        Assert.Equal(recordAt + JournalRecord.Size, new FileInfo(copy).Length);
    }

    [Fact]
    public void A_flipped_byte_in_a_record_of_a_closed_segment_is_damage_and_repair_keeps_what_is_before_it()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string[] files = Segments(dir);
        long recordAt = JournalSegmentHeader.Size + (10 * JournalRecord.Size);
        Flip(files[1], recordAt + 30);

        JournalDamageException damage = Assert.Throws<JournalDamageException>(() => Recover(dir));
        Assert.Equal((files[1], recordAt), (damage.Path, damage.Offset));

        RecoveryResult r = Recover(dir, repair: true);
        Assert.Equal(25 + 10, r.Replayed);
        Assert.Equal(HashOf(commands, 35), r.StateHash);

        // Nothing deleted: the damaged segment's copy and the three segments after it are aside.
        Assert.Equal(4, Directory.GetFiles(Path.Combine(dir.Journal, JournalRepair.AsideFolder)).Length);
        Assert.Equal(2, Segments(dir).Length);
    }

    [Fact]
    public void A_partial_record_after_the_last_flush_is_a_torn_tail_cut_off_and_kept_aside()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string last = Segments(dir)[^1];
        long intact = new FileInfo(last).Length;
        byte[] partial = [.. Enumerable.Range(1, JournalRecord.Size - 1).Select(i => (byte)i)];
        using (var f = new FileStream(last, FileMode.Append))
        {
            f.Write(partial);
        }

        RecoveryResult r = Recover(dir);
        Assert.Equal(JournalRecord.Size - 1, r.TruncatedBytes);
        Assert.Equal(HashOf(commands, Count), r.StateHash);
        Assert.Equal(intact, new FileInfo(last).Length);
        Assert.Equal(partial, File.ReadAllBytes(Assert.Single(Directory.GetFiles(Path.Combine(dir.Journal, JournalRepair.AsideFolder)))));
    }

    [Fact]
    public void Zeros_after_the_last_record_are_a_torn_tail_the_disk_never_got()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string last = Segments(dir)[^1];
        using (var f = new FileStream(last, FileMode.Append))
        {
            f.Write(new byte[3 * JournalRecord.Size]);
        }

        RecoveryResult r = Recover(dir);
        Assert.Equal(3 * JournalRecord.Size, r.TruncatedBytes);
        Assert.Equal(HashOf(commands, Count), r.StateHash);
    }

    [Fact]
    public void A_last_segment_cut_inside_its_header_is_a_crash_while_creating_it_and_is_moved_aside_not_deleted()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> commands = Write(dir);
        string next = Path.Combine(dir.Journal, JournalSegmentHeader.FileName(Count));
        File.WriteAllBytes(next, [0x4C, 0x51, 0x4A]);

        RecoveryResult r = Recover(dir);
        Assert.Equal(HashOf(commands, Count), r.StateHash);
        Assert.False(File.Exists(next));
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Journal, JournalRepair.AsideFolder)));
    }
}
