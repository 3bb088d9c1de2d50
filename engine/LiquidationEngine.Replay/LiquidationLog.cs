using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Replay;

/// <summary>What a <see cref="LiquidationRow"/> records.</summary>
public enum LiquidationRowKind : byte
{
    /// <summary>A liquidation order (full or partial) the engine sent to the matching engine.</summary>
    Order = 1,

    /// <summary>An auto-deleverage order against an opposite position, settled by the engine at the bankruptcy price.</summary>
    Adl = 2,

    /// <summary>A fill of a liquidation order reported back by the simulated matching engine.</summary>
    Fill = 3,

    /// <summary>A no-fill reported back: the insurance fund took over what ADL did not cover, at the bankruptcy price.</summary>
    Takeover = 4,
}

/// <summary>One row of the liquidations file: an order, an ADL order, a fill or a takeover. All amounts raw fixed point.</summary>
/// <param name="Kind">What the row records.</param>
/// <param name="OrderKind">Full, partial or ADL.</param>
/// <param name="EventSequence">Engine event sequence (deterministic across runs).</param>
/// <param name="InputSequence">Ring sequence of the input that caused it.</param>
/// <param name="TimestampUs">Feed time of that input, µs since the epoch.</param>
/// <param name="OrderId">Engine order id.</param>
/// <param name="CauseOrderId">For ADL: the liquidation order whose no-fill caused it; else 0.</param>
/// <param name="PositionId">Position id.</param>
/// <param name="Account">Account id.</param>
/// <param name="Instrument">Instrument index.</param>
/// <param name="Side">Order side, +1 buy / −1 sell.</param>
/// <param name="Quantity">Order or filled quantity, raw.</param>
/// <param name="Price">Order limit, or fill price, raw.</param>
/// <param name="BankruptcyPrice">The order's bankruptcy price, raw.</param>
/// <param name="TriggerMark">The mark that triggered the order, raw.</param>
/// <param name="RealisedPnl">Fill/takeover: the block's realised PnL; ADL: the counterparty's; raw money.</param>
/// <param name="LiquidationFee">Fee charged to the block into the insurance fund, raw money.</param>
/// <param name="InsuranceFundDelta">How the fill moved the insurance fund (fee + surplus, or −shortfall), raw money.</param>
/// <param name="Execution">How the simulated matching engine answered (fill rows and takeovers), e.g. <c>next-mark</c>.</param>
public readonly record struct LiquidationRow(
    LiquidationRowKind Kind,
    OrderKind OrderKind,
    long EventSequence,
    long InputSequence,
    long TimestampUs,
    long OrderId,
    long CauseOrderId,
    long PositionId,
    long Account,
    int Instrument,
    int Side,
    long Quantity,
    long Price,
    long BankruptcyPrice,
    long TriggerMark,
    long RealisedPnl,
    long LiquidationFee,
    long InsuranceFundDelta,
    string Execution)
{
    /// <summary>Notional <c>quantity × price</c>, raw money, rounded down.</summary>
    public long Notional => (long)(Math.BigMul(Quantity, Price) / Numerics.Quantity.Scale);
}

/// <summary>
/// Writes the liquidations file twice, as CSV and as JSON Lines, one row per order and per fill, every amount formatted
/// exactly from its fixed-point value (JSON carries decimals as strings so no reader parses them into a binary float).
/// </summary>
/// <remarks>Columns, in order: <c>record, event_seq, input_seq, time_utc, timestamp_us, order_id, cause_order_id,
/// order_kind, position_id, account, instrument, asset, side, quantity, price, bankruptcy_price, trigger_mark, notional,
/// realised_pnl, liquidation_fee, insurance_fund_delta, execution</c> (docs/REPLAY.md, "Outputs").</remarks>
public sealed class LiquidationLog : IDisposable
{
    /// <summary>The CSV header line.</summary>
    public const string CsvHeader = "record,event_seq,input_seq,time_utc,timestamp_us,order_id,cause_order_id,order_kind,position_id,account,"
        + "instrument,asset,side,quantity,price,bankruptcy_price,trigger_mark,notional,realised_pnl,liquidation_fee,insurance_fund_delta,execution";

    private readonly InstrumentCatalog _catalog;
    private readonly TextWriter? _csv;
    private readonly Stream? _jsonl;
    private readonly StringBuilder _line = new(512);
    private readonly ArrayBufferWriter<byte> _jsonBuffer = new(1024);

    /// <summary>Writes one JSON object per row into <see cref="_jsonBuffer"/>; reset for each row.</summary>
    private readonly Utf8JsonWriter _json;

    /// <summary>Creates a log over writers it takes ownership of; either may be null.</summary>
    public LiquidationLog(InstrumentCatalog catalog, TextWriter? csv, Stream? jsonl)
    {
        _json = new Utf8JsonWriter(_jsonBuffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _csv = csv;
        _jsonl = jsonl;
        _csv?.Write(CsvHeader);
        _csv?.Write('\n');
    }

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>Opens <c>liquidations.csv</c> and <c>liquidations.jsonl</c> in <paramref name="directory"/>.</summary>
    public static LiquidationLog Create(InstrumentCatalog catalog, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        return new LiquidationLog(catalog, Open(Path.Combine(directory, "liquidations.csv")), OpenStream(Path.Combine(directory, "liquidations.jsonl")));
    }

    /// <summary>Appends one row to both files.</summary>
    public void Write(in LiquidationRow row)
    {
        Rows++;
        Instrument inst = _catalog[row.Instrument];
        string asset = _catalog.Assets[inst.SettlementAsset];
        string record = RecordName(row.Kind);
        string orderKind = OrderKindName(row.OrderKind);
        string side = row.Side > 0 ? "buy" : "sell";
        string time = FormatTime(row.TimestampUs);
        if (_csv is not null)
        {
            StringBuilder b = _line.Clear();
            b.Append(record).Append(',')
                .Append(row.EventSequence.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.InputSequence.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(time).Append(',')
                .Append(row.TimestampUs.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.OrderId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.CauseOrderId == 0 ? string.Empty : row.CauseOrderId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(orderKind).Append(',')
                .Append(row.PositionId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Account.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(inst.Symbol).Append(',')
                .Append(asset).Append(',')
                .Append(side).Append(',')
                .Append(FixedPoint.Format(row.Quantity, Quantity.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.Price, Price.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.BankruptcyPrice, Price.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.TriggerMark, Price.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.Notional, Money.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.RealisedPnl, Money.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.LiquidationFee, Money.Decimals)).Append(',')
                .Append(FixedPoint.Format(row.InsuranceFundDelta, Money.Decimals)).Append(',')
                .Append(row.Execution).Append('\n');
            _csv.Write(b);
        }

        if (_jsonl is not null)
        {
            // One Utf8JsonWriter over one reused buffer: escaping is the library's, nothing is allocated per row.
            Utf8JsonWriter j = _json;
            _jsonBuffer.ResetWrittenCount();
            j.Reset(_jsonBuffer);
            j.WriteStartObject();
            j.WriteString("record", record);
            j.WriteNumber("event_seq", row.EventSequence);
            j.WriteNumber("input_seq", row.InputSequence);
            j.WriteString("time_utc", time);
            j.WriteNumber("timestamp_us", row.TimestampUs);
            j.WriteNumber("order_id", row.OrderId);
            if (row.CauseOrderId == 0)
            {
                j.WriteNull("cause_order_id");
            }
            else
            {
                j.WriteNumber("cause_order_id", row.CauseOrderId);
            }

            j.WriteString("order_kind", orderKind);
            j.WriteNumber("position_id", row.PositionId);
            j.WriteNumber("account", row.Account);
            j.WriteString("instrument", inst.Symbol);
            j.WriteString("asset", asset);
            j.WriteString("side", side);
            WriteDecimal(j, "quantity", row.Quantity, Quantity.Decimals);
            WriteDecimal(j, "price", row.Price, Price.Decimals);
            WriteDecimal(j, "bankruptcy_price", row.BankruptcyPrice, Price.Decimals);
            WriteDecimal(j, "trigger_mark", row.TriggerMark, Price.Decimals);
            WriteDecimal(j, "notional", row.Notional, Money.Decimals);
            WriteDecimal(j, "realised_pnl", row.RealisedPnl, Money.Decimals);
            WriteDecimal(j, "liquidation_fee", row.LiquidationFee, Money.Decimals);
            WriteDecimal(j, "insurance_fund_delta", row.InsuranceFundDelta, Money.Decimals);
            j.WriteString("execution", row.Execution);
            j.WriteEndObject();
            j.Flush();
            _jsonl.Write(_jsonBuffer.WrittenSpan);
            _jsonl.WriteByte((byte)'\n');
        }
    }

    /// <summary>Flushes both files.</summary>
    public void Flush()
    {
        _csv?.Flush();
        _jsonl?.Flush();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _csv?.Dispose();
        _jsonl?.Dispose();
        _json.Dispose();
    }

    /// <summary><c>order</c>, <c>adl</c>, <c>fill</c> or <c>takeover</c>.</summary>
    public static string RecordName(LiquidationRowKind kind) => kind switch
    {
        LiquidationRowKind.Order => "order",
        LiquidationRowKind.Adl => "adl",
        LiquidationRowKind.Fill => "fill",
        LiquidationRowKind.Takeover => "takeover",
        _ => "unknown",
    };

    /// <summary><c>full</c>, <c>partial</c> or <c>adl</c>.</summary>
    public static string OrderKindName(OrderKind kind) => kind switch
    {
        OrderKind.Full => "full",
        OrderKind.Partial => "partial",
        OrderKind.Adl => "adl",
        _ => "none",
    };

    /// <summary>ISO 8601 UTC with microseconds, from integer µs: <c>2023-04-05T00:01:14.400000Z</c>.</summary>
    public static string FormatTime(long timestampUs)
    {
        long micros = ((timestampUs % 1_000_000) + 1_000_000) % 1_000_000;
        DateTime t = DateTime.UnixEpoch.AddTicks((timestampUs - micros) * 10);
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + micros.ToString("D6", CultureInfo.InvariantCulture) + "Z";
    }

    /// <summary>An exact decimal as a JSON string, so no reader parses it into a binary float.</summary>
    private static void WriteDecimal(Utf8JsonWriter j, string name, long raw, int decimals)
        => j.WriteString(name, FixedPoint.Format(raw, decimals));

    private static FileStream OpenStream(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);

    private static StreamWriter Open(string path)
        => new(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16) { NewLine = "\n" };
}
