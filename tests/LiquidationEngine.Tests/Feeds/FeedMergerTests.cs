using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class FeedMergerTests
{
    private static GenericCsvReader Csv(string file, params string[] rows)
        => new(new MemoryStream(Utf8(string.Join('\n', ["timestamp,symbol,mark_price", .. rows]))), file, Options());

    [Fact]
    public void Records_from_two_files_come_out_in_timestamp_order_with_ties_in_input_order()
    {
        using var merger = new FeedMerger(
        [
            Csv("a.csv", "1,BTCUSDT,1", "3,BTCUSDT,2", "3,BTCUSDT,3", "5,BTCUSDT,4"),
            Csv("b.csv", "2,ETHUSDT,10", "3,ETHUSDT,20", "4,ETHUSDT,30"),
        ]);

        List<FeedRecord> merged = Drain(merger);

        Assert.Equal(
            [("a.csv", 2L), ("b.csv", 2L), ("a.csv", 3L), ("a.csv", 4L), ("b.csv", 3L), ("b.csv", 4L), ("a.csv", 5L)],
            merged.Select(r => (r.File, r.Line)));
        Assert.Equal([1L, 2, 3, 3, 3, 4, 5], merged.Select(r => r.TimestampUs));
    }

    [Fact]
    public void Swapping_the_inputs_swaps_only_the_order_of_ties()
    {
        using var merger = new FeedMerger(
        [
            Csv("b.csv", "2,ETHUSDT,10", "3,ETHUSDT,20", "4,ETHUSDT,30"),
            Csv("a.csv", "1,BTCUSDT,1", "3,BTCUSDT,2", "3,BTCUSDT,3", "5,BTCUSDT,4"),
        ]);

        List<FeedRecord> merged = Drain(merger);

        Assert.Equal(
            [("a.csv", 2L), ("b.csv", 2L), ("b.csv", 3L), ("a.csv", 3L), ("a.csv", 4L), ("b.csv", 4L), ("a.csv", 5L)],
            merged.Select(r => (r.File, r.Line)));
    }

    [Fact]
    public void Many_inputs_merge_like_a_stable_sort_of_all_their_records()
    {
        var random = new Random(42);
        var inputs = new List<IFeedReader>();
        var all = new List<(long Us, int Input, int Row)>();
        for (int input = 0; input < 7; input++)
        {
            long us = 0;
            var rows = new List<string>();
            for (int row = 0; row < 50; row++)
            {
                us += random.Next(0, 4);
                rows.Add($"{us},BTCUSDT,{row + 1}");
                all.Add((us, input, row + 2));
            }

            inputs.Add(Csv($"{input}.csv", [.. rows]));
        }

        using var merger = new FeedMerger(inputs);

        Assert.Equal(
            all.OrderBy(x => x.Us).ThenBy(x => x.Input).Select(x => ($"{x.Input}.csv", (long)x.Row)),
            Drain(merger).Select(r => (r.File, r.Line)));
    }

    [Fact]
    public void Empty_inputs_and_no_inputs_merge_to_nothing()
    {
        using var none = new FeedMerger([]);
        using var empty = new FeedMerger([Csv("e.csv")]);

        Assert.False(none.TryRead(out _));
        Assert.False(empty.TryRead(out _));
    }

    [Fact]
    public void The_merger_sums_its_inputs_statistics_and_disposes_them()
    {
        GenericCsvReader a = Csv("a.csv", "1,BTCUSDT,1");
        GenericCsvReader b = Csv("b.csv", "2,BTCUSDT,2", "3,BTCUSDT,3");
        var merger = new FeedMerger([a, b]);

        Drain(merger);
        FeedReaderStatistics statistics = merger.Statistics;
        merger.Dispose();

        Assert.Equal(new FeedReaderStatistics(LinesRead: 5, MarkRecords: 3, SettlementRecords: 0, SkippedLines: 2, Errors: 0), statistics);
        Assert.Throws<ObjectDisposedException>(() => a.TryRead(out _));
    }
}
