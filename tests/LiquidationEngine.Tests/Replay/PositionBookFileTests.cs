using LiquidationEngine.Host.Replay;
using LiquidationEngine.Instruments;
using LiquidationEngine.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

public sealed class PositionBookFileTests : IDisposable
{
    private static readonly InstrumentCatalog Catalog = ReplayTestKit.Catalog;
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_csv_snapshot_reads_balances_and_positions_exactly()
    {
        string path = _dir.Write("book.csv", """
            # comment
            record,account,...
            balance,7,USDT,1234.56789012
            balance,7,USDC,10

            position,7,BTCUSDT,short,0.125,65000.1,20,12.5
            position,7,ETH-USDT-PERP,long,2,3200.01,5
            """);
        PositionBook book = PositionBookFile.Load(path, Catalog);
        Assert.Equal(
            [new BookBalance(7, 0, 123_456_789_012, 3), new BookBalance(7, 1, 1_000_000_000, 4)],
            book.Balances);
        Assert.Equal(
            [
                new BookPosition(7, Index("BTC-USDT-PERP"), -1, 12_500_000, 6_500_010_000_000, 20, 1_250_000_000, 6),
                new BookPosition(7, Index("ETH-USDT-PERP"), 1, 200_000_000, 320_001_000_000, 5, 0, 7),
            ],
            book.Positions);
    }

    [Fact]
    public void A_json_snapshot_reads_the_same_book_with_the_line_of_each_entry()
    {
        string path = _dir.Write("book.json", """
            {
              "accounts": [
                { "account": 7, "balances": { "USDT": "1234.56789012",
                                              "USDC": 10 } }
              ],
              "positions": [
                { "account": 7, "symbol": "BTCUSDT", "side": "short", "quantity": "0.125", "entryPrice": "65000.1", "leverage": 20, "extraMargin": "12.5" },
                { "account": 7, "symbol": "ETH-USDT-PERP", "side": "long", "quantity": 2, "entryPrice": 3200.01, "leverage": 5 }
              ]
            }
            """);
        PositionBook book = PositionBookFile.Load(path, Catalog);
        Assert.Equal([new BookBalance(7, 0, 123_456_789_012, 3), new BookBalance(7, 1, 1_000_000_000, 4)], book.Balances);
        Assert.Equal((7L, 12_500_000L, 1_250_000_000L), (book.Positions[0].Line, book.Positions[0].Quantity, book.Positions[0].ExtraMargin));
        Assert.Equal((8L, 320_001_000_000L, 200_000_000L), (book.Positions[1].Line, book.Positions[1].EntryPrice, book.Positions[1].Quantity));
    }

    [Fact]
    public void Each_bad_row_is_reported_with_its_file_line_and_reason_and_skipped()
    {
        string path = _dir.Write("bad.csv", """
            balance,1,USDT,1000
            balance,1,EUR,5
            balance,x,USDT,5
            position,1,NOPE-PERP,long,1,100,5
            position,1,BTCUSDT,sideways,1,100,5
            position,1,BTCUSDT,long,NaN,100,5
            position,1,BTCUSDT,long,1,-65000,5
            position,1,BTCUSDT,long,0.0001,65000,5
            position,1,BTCUSDT,long,0.001,65000.05,5
            position,1,BTCUSDT,long,0.001,65000,0
            position,1,BTCUSDT,long,0.001,65000,5
            position,1,BTCUSDT,short,0.001,65000,5
            trade,1,2,3
            position,1,ETHUSDT,long,1
             position , 2 , BTCUSDT , long , 0.002 , 65000 , 5 
            position,1,BTCUSDT,long,0.003,65000,5,0,0,0,0,0,0,0,0,0,0,0,0,0
            """);
        var errors = new List<BookError>();
        PositionBook book = PositionBookFile.Load(path, Catalog, errors.Add);
        Assert.Equal(
            [
                (2L, BookErrorKind.UnknownAsset),
                (3L, BookErrorKind.InvalidValue),
                (4L, BookErrorKind.UnknownSymbol),
                (5L, BookErrorKind.MalformedLine),
                (6L, BookErrorKind.InvalidValue),
                (7L, BookErrorKind.InvalidValue),
                (8L, BookErrorKind.InvalidValue),
                (9L, BookErrorKind.InvalidValue),
                (10L, BookErrorKind.InvalidValue),
                (12L, BookErrorKind.DuplicatePosition),
                (13L, BookErrorKind.MalformedLine),
                (14L, BookErrorKind.MalformedLine),
                (16L, BookErrorKind.MalformedLine),
            ],
            errors.Select(e => (e.Line, e.Kind)));
        Assert.All(errors, e => Assert.StartsWith($"{path}:{e.Line}: {e.Kind}: ", e.ToString(), StringComparison.Ordinal));
        Assert.Contains("lot size", errors[6].Message, StringComparison.Ordinal);
        Assert.Contains("tick grid", errors[7].Message, StringComparison.Ordinal);
        Assert.Contains("more than 16", errors[^1].Message, StringComparison.Ordinal);
        Assert.Single(book.Balances);

        // Fields are trimmed after the split: the spaced-out row 15 reads as a plain one.
        Assert.Equal([11L, 15L], book.Positions.Select(p => p.Line));
    }

    [Fact]
    public void In_strict_mode_the_first_bad_row_stops_the_load()
    {
        string path = _dir.Write("strict.csv", "balance,1,USDT,1000\nposition,1,BTCUSDT,long,1,abc,5\n");
        var e = Assert.Throws<PositionBookException>(() => PositionBookFile.Load(path, Catalog, strict: true));
        Assert.Equal((2L, BookErrorKind.InvalidValue), (e.Error.Line, e.Error.Kind));
    }

    [Fact]
    public void Malformed_json_and_an_empty_file_are_reported()
    {
        var errors = new List<BookError>();
        PositionBookFile.Load(_dir.Write("broken.json", "{\n \"positions\": [\n { \"account\": 1, \n"), Catalog, errors.Add);
        PositionBookFile.Load(_dir.Write("empty.csv", "# nothing\n"), Catalog, errors.Add);
        Assert.Equal([BookErrorKind.MalformedLine, BookErrorKind.EmptyFile], errors.Select(e => e.Kind));
    }

    [Fact]
    public void A_written_book_reads_back_identically()
    {
        PositionBook generated = SyntheticBookGenerator.Generate(Catalog, new SyntheticBookOptions { Positions = 500, Seed = 9, Instruments = [Index("BTC-USDT-PERP"), Index("DOGE-USDT-PERP")] });
        string path = _dir.File("round-trip.csv");
        using (var writer = new StreamWriter(path))
        {
            PositionBookFile.WriteCsv(generated, Catalog, writer);
        }

        PositionBook read = PositionBookFile.Load(path, Catalog);
        Assert.Equal(generated.Positions.Select(p => p with { Line = 0 }), read.Positions.Select(p => p with { Line = 0 }));
        Assert.Equal(generated.Balances.Select(b => b with { Line = 0 }), read.Balances.Select(b => b with { Line = 0 }));
    }

    [Fact]
    public void A_row_the_engine_rejects_is_reported_against_its_line()
    {
        // Line 3: 1 BTC at 65,000 and 125x is a 65,000 notional, in bracket 2 where the maximum is 100x.
        // Line 4: the account has 1,000 but 10x on a 65,000 notional needs 6,500.
        string book = _dir.Write("rejects.csv", """
            balance,1,USDT,1000
            balance,2,USDT,1000
            position,1,BTCUSDT,long,1,65000,125
            position,2,BTCUSDT,long,1,65000,10
            """);
        string marks = _dir.Write("marks.csv", "timestamp,symbol,mark_price\n1700000000000000,BTCUSDT,65000\n");
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with { Inputs = [marks], PositionsPath = book });
        Assert.Equal(ReplayCommand.ExitNothingReplayed, outcome.ExitCode); // every position rejected: nothing replayed
        Assert.Equal(
            [$"{book}:3: EngineRejected: the engine rejected the row: InvalidLeverage.", $"{book}:4: EngineRejected: the engine rejected the row: InsufficientBalance."],
            outcome.Result!.BookRejects.Select(e => e.ToString()));
        Assert.Contains($"{book}:3: EngineRejected", printed, StringComparison.Ordinal);

        // Strict: the run stops after loading the book, before any tick.
        (ReplayOutcome strict, _) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out-strict")) with { Inputs = [marks], PositionsPath = book, Strict = true });
        Assert.Equal(ReplayCommand.ExitStopped, strict.ExitCode);
        Assert.Equal(0, strict.Result!.Marks);
    }

    public void Dispose() => _dir.Dispose();

    private static int Index(string symbol) => Catalog.TryFind(symbol, out Instrument i) ? i.Index : -1;
}
