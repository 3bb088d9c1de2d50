using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;

using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Persistence;

public class JournalTests
{
    private static readonly JournalSegmentHeader Shape = new(0, 64, 16, 64, 4, 2);

    private static List<EngineCommand> Write(string dir, int count, JournalOptions? options = null, int flushEvery = 7)
    {
        List<EngineCommand> commands = Scenario.Commands().Take(count).ToList();
        using var journal = new JournalWriter(dir, options ?? new JournalOptions { FsyncPolicy = FsyncPolicy.None }, Shape, 0);
        for (int i = 0; i < commands.Count; i++)
        {
            EngineCommand c = commands[i];
            c.SourceId = 3;
            c.TimestampUs = 1_700_000_000_000_000 + i;
            commands[i] = c;
            journal.Append(c, i);
            if (i % flushEvery == 0)
            {
                journal.Flush();
            }
        }

        journal.Flush();
        return commands;
    }

    [Fact]
    public void Records_read_back_in_sequence_order_with_every_field_intact()
    {
        using var dir = new Scenario.TempDir();
        List<EngineCommand> written = Write(dir.Journal, 100);

        List<JournalEntry> read = JournalReader.ReadAll(dir.Journal, out JournalScan scan);

        Assert.Equal(100, read.Count);
        Assert.Equal(99, scan.LastSequence);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(i, read[i].Sequence);
            Assert.Equal(written[i], read[i].Command);
        }
    }

    [Fact]
    public void The_flushed_sequence_reports_exactly_what_reached_the_file()
    {
        using var dir = new Scenario.TempDir();
        using var journal = new JournalWriter(dir.Journal, new JournalOptions { FsyncPolicy = FsyncPolicy.EveryBatch }, Shape, 5);
        Assert.Equal(4, journal.FlushedSequence);
        journal.Append(Scenario.Tick(0, 20000), 5);
        journal.Append(Scenario.Tick(0, 20001), 6);
        Assert.Equal(4, journal.FlushedSequence);
        journal.Flush();
        Assert.Equal(6, journal.FlushedSequence);
        Assert.Equal(2, JournalReader.ReadAll(dir.Journal, out _).Count);
    }

    [Fact]
    public void A_torn_tail_record_is_detected_and_truncated_and_the_records_before_it_survive()
    {
        using var dir = new Scenario.TempDir();
        Write(dir.Journal, 50);
        string segment = JournalReader.Segments(dir.Journal).Single().Path;
        long intact = new FileInfo(segment).Length;

        // A crash mid-write: half of one more record.
        using (var f = new FileStream(segment, FileMode.Append))
        {
            f.Write(new byte[JournalRecord.Size / 2].Select((_, i) => (byte)(i + 1)).ToArray());
        }

        List<JournalEntry> read = JournalReader.ReadAll(dir.Journal, out JournalScan scan, repair: true);

        Assert.Equal(50, read.Count);
        Assert.Equal(JournalRecord.Size / 2, scan.TornBytes);
        Assert.Equal(intact, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_whole_last_record_whose_checksum_fails_is_damage_not_a_torn_tail()
    {
        using var dir = new Scenario.TempDir();
        Write(dir.Journal, 20);
        string segment = JournalReader.Segments(dir.Journal).Single().Path;
        using (var f = new FileStream(segment, FileMode.Open))
        {
            f.Position = f.Length - 10;
            f.WriteByte(0xFF);
        }

        long length = new FileInfo(segment).Length;
        JournalDamageException damage = Assert.Throws<JournalDamageException>(() => JournalReader.ReadAll(dir.Journal, out _, repair: true));

        Assert.Equal(length - JournalRecord.Size, damage.Offset);
        Assert.Equal(length, new FileInfo(segment).Length);
    }

    [Fact]
    public void A_bad_record_followed_by_valid_records_is_corruption_not_a_torn_tail()
    {
        using var dir = new Scenario.TempDir();
        Write(dir.Journal, 20);
        string segment = JournalReader.Segments(dir.Journal).Single().Path;
        using (var f = new FileStream(segment, FileMode.Open))
        {
            f.Position = JournalSegmentHeader.Size + (5 * JournalRecord.Size) + 30;
            f.WriteByte(0xFF);
        }

        Assert.Throws<JournalDamageException>(() => JournalReader.ReadAll(dir.Journal, out _, repair: true));
    }

    [Fact]
    public void Segments_roll_at_the_configured_size_and_read_back_as_one_chain()
    {
        using var dir = new Scenario.TempDir();
        Write(dir.Journal, 120, new JournalOptions { FsyncPolicy = FsyncPolicy.Interval, FsyncIntervalMs = 1, SegmentBytes = JournalRecord.Size * 25 });

        IReadOnlyList<JournalSegment> segments = JournalReader.Segments(dir.Journal);
        List<JournalEntry> read = JournalReader.ReadAll(dir.Journal, out _, afterSequence: 59);

        Assert.True(segments.Count >= 4, $"expected several segments, got {segments.Count}");
        Assert.Equal(Enumerable.Range(60, 60).Select(i => (long)i), read.Select(r => r.Sequence));
    }

    [Fact]
    public void Pruning_deletes_only_closed_segments_that_a_snapshot_covers()
    {
        using var dir = new Scenario.TempDir();
        Write(dir.Journal, 100, new JournalOptions { FsyncPolicy = FsyncPolicy.None, SegmentBytes = JournalRecord.Size * 25 });
        int before = JournalReader.Segments(dir.Journal).Count;

        int deleted = SnapshotManager.PruneJournal(dir.Journal, 60, null);

        Assert.Equal(2, deleted);
        Assert.Equal(before - 2, JournalReader.Segments(dir.Journal).Count);
        Assert.Equal(61L, JournalReader.ReadAll(dir.Journal, out _, afterSequence: 60).First().Sequence);
    }
}
