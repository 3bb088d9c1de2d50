using LiquidationEngine.Contracts;

namespace LiquidationEngine.Replay;

/// <summary>A main-balance credit of a book: <see cref="Amount"/> of <see cref="Asset"/> to <see cref="Account"/>.</summary>
/// <param name="Account">Account id.</param>
/// <param name="Asset">Settlement asset index in the catalog.</param>
/// <param name="Amount">Raw money (10^-8), positive.</param>
/// <param name="Line">Source line (1-based) in the positions file, or the row number of a generated book.</param>
public readonly record struct BookBalance(long Account, int Asset, long Amount, long Line);

/// <summary>An isolated position of a book, opened by one trade fill at its entry price.</summary>
/// <param name="Account">Account id.</param>
/// <param name="Instrument">Instrument index in the catalog.</param>
/// <param name="Side">+1 long, −1 short.</param>
/// <param name="Quantity">Absolute size, raw (10^-8), a multiple of the lot size.</param>
/// <param name="EntryPrice">Entry price, raw (10^-8), on the tick grid.</param>
/// <param name="Leverage">Whole leverage: the block starts with initial margin <c>q × entry / leverage</c> (rounded up).</param>
/// <param name="ExtraMargin">Margin added to the block after opening, raw money (10^-8), 0 for none.</param>
/// <param name="Line">Source line (1-based) in the positions file, or the row number of a generated book.</param>
public readonly record struct BookPosition(long Account, int Instrument, int Side, long Quantity, long EntryPrice, int Leverage, long ExtraMargin, long Line);

/// <summary>
/// Accounts (main balances) and isolated positions to replay against. The book enters the engine as ordinary
/// commands through the ring: a <see cref="CommandKind.Deposit"/> per balance, then a <see cref="CommandKind.TradeFill"/>
/// per position (no trading fee) and an <see cref="CommandKind.AddMargin"/> for any extra margin.
/// </summary>
/// <remarks>Each command carries its source line in <see cref="EngineCommand.ClientSequence"/>, so a rejection
/// (which echoes it) can be reported as <c>file:line</c>. See docs/REPLAY.md for the file formats.</remarks>
public sealed class PositionBook
{
    /// <summary>Creates a book.</summary>
    /// <param name="source">Where it came from: a file path, or a description of the generator run.</param>
    /// <param name="balances">Main-balance credits, applied first, in order.</param>
    /// <param name="positions">Positions, opened in order after all balances.</param>
    public PositionBook(string source, IReadOnlyList<BookBalance> balances, IReadOnlyList<BookPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(balances);
        ArgumentNullException.ThrowIfNull(positions);
        Source = source;
        Balances = balances;
        Positions = positions;
    }

    /// <summary>A file path, or a description of how the book was generated.</summary>
    public string Source { get; }

    /// <summary>Main-balance credits.</summary>
    public IReadOnlyList<BookBalance> Balances { get; }

    /// <summary>Isolated positions.</summary>
    public IReadOnlyList<BookPosition> Positions { get; }

    /// <summary>Distinct accounts that appear in the balances or positions.</summary>
    public int AccountCount
    {
        get
        {
            var ids = new HashSet<long>();
            foreach (BookBalance b in Balances)
            {
                ids.Add(b.Account);
            }

            foreach (BookPosition p in Positions)
            {
                ids.Add(p.Account);
            }

            return ids.Count;
        }
    }

    /// <summary>The commands that load the book, in order: deposits, then for each position its fill and extra margin.</summary>
    /// <param name="sourceId">The <see cref="EngineCommand.SourceId"/> to stamp (0: no acks, rejects only).</param>
    /// <param name="timestampUs">Event time to stamp on every command.</param>
    public IEnumerable<EngineCommand> Commands(int sourceId, long timestampUs)
    {
        foreach (BookBalance b in Balances)
        {
            yield return new EngineCommand
            {
                Kind = CommandKind.Deposit,
                SourceId = sourceId,
                ClientSequence = b.Line,
                TimestampUs = timestampUs,
                Account = b.Account,
                Asset = checked((short)b.Asset),
                Amount = b.Amount,
            };
        }

        foreach (BookPosition p in Positions)
        {
            yield return new EngineCommand
            {
                Kind = CommandKind.TradeFill,
                SourceId = sourceId,
                ClientSequence = p.Line,
                TimestampUs = timestampUs,
                Account = p.Account,
                Instrument = p.Instrument,
                Side = checked((sbyte)p.Side),
                Quantity = p.Quantity,
                Price = p.EntryPrice,
                Leverage = p.Leverage,
                Aux = 0,
            };

            if (p.ExtraMargin > 0)
            {
                yield return new EngineCommand
                {
                    Kind = CommandKind.AddMargin,
                    SourceId = sourceId,
                    ClientSequence = p.Line,
                    TimestampUs = timestampUs,
                    Account = p.Account,
                    Instrument = p.Instrument,
                    Amount = p.ExtraMargin,
                };
            }
        }
    }
}
