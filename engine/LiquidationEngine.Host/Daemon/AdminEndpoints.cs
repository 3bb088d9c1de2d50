using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Host.Daemon;

/// <summary>The loopback admin API: /health, /metrics, /positions/{id}, /accounts/{id} (docs/OPERATIONS.md).</summary>
public static class AdminEndpoints
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app, DaemonService daemon)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(daemon);
        app.MapGet("/health", () =>
        {
            (bool healthy, string status, long lag, double? age) = daemon.Health();
            return Results.Json(
                new { status, ringLag = lag, lastTickAgeSeconds = age, recoveredSequence = daemon.Recovery?.LastSequence },
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/metrics", () => Results.Text(daemon.Exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGet("/positions/{id:long}", async (long id, CancellationToken ct) =>
            await QueryAsync(daemon, new EngineCommand { Kind = CommandKind.QueryPosition, Aux = id }, ct).ConfigureAwait(false));
        app.MapGet("/accounts/{id:long}", async (long id, CancellationToken ct) =>
            await QueryAsync(daemon, new EngineCommand { Kind = CommandKind.QueryAccount, Account = id }, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> QueryAsync(DaemonService daemon, EngineCommand query, CancellationToken ct)
    {
        if (!daemon.IsReady || daemon.Catalog is null)
        {
            return Results.Json(new { error = "not ready" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        IReadOnlyList<EngineEvent> reply;
        try
        {
            reply = await daemon.Queries.QueryAsync(query, QueryTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (reply.Count > 0 && reply[0].Kind == EventKind.Reject)
        {
            RejectReason reason = reply[0].Reason;
            return Results.Json(new { error = reason.ToString() }, statusCode: reason is RejectReason.UnknownPosition or RejectReason.UnknownAccount ? 404 : 400);
        }

        InstrumentCatalog catalog = daemon.Catalog;
        if (query.Kind == CommandKind.QueryPosition)
        {
            return Results.Json(Position(reply[0], catalog));
        }

        return Results.Json(new
        {
            account = query.Account,
            balances = reply.Where(e => e.Kind == EventKind.AccountBalance).Select(e => new { asset = catalog.Assets[e.Asset], balance = Money(e.Balance) }),
            positions = reply.Where(e => e.Kind == EventKind.PositionState).Select(e => Position(e, catalog)),
        });
    }

    /// <summary>A position reply as JSON-friendly decimals; the liquidation price is "none" when it is not reachable by price.</summary>
    public static object Position(in EngineEvent e, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new
        {
            positionId = e.PositionId,
            account = e.Account,
            instrument = catalog[e.Instrument].Symbol,
            side = e.Side > 0 ? "long" : "short",
            size = FixedPoint.Format(Math.Abs(e.Quantity), 8),
            status = e.Status == 2 ? "liquidating" : "open",
            leverage = e.Leverage,
            entryPrice = FixedPoint.Format(e.EntryPrice, 8),
            markPrice = e.TriggerMark > 0 ? FixedPoint.Format(e.TriggerMark, 8) : "none",
            margin = Money(e.Margin),
            equity = Money(e.Equity),
            maintenanceMargin = Money(e.MaintenanceMargin),
            liquidationPrice = e.LiquidationPrice == EngineEvent.NoPrice ? "none" : FixedPoint.Format(e.LiquidationPrice, 8),
            bankruptcyPrice = FixedPoint.Format(e.BankruptcyPrice, 8),
            marginRatio = e.MarginRatio == long.MaxValue ? "infinite" : FixedPoint.Format(e.MarginRatio, 10),
            maxRemovable = Money(e.MaxRemovable),
        };
    }

    private static string Money(long raw) => FixedPoint.Format(raw, 8);

    internal static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}
