using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Host.Daemon;

/// <summary>The admin API (docs/OPERATIONS.md): <c>/health</c>, <c>/health/live</c>, <c>/health/ready</c>, <c>/metrics</c>,
/// <c>/positions/{id}</c>, <c>/accounts/{id}</c>. Each answers GET and HEAD; any other method gets 405.</summary>
public static class AdminEndpoints
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app, DaemonService daemon, AdminSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(daemon);
        ArgumentNullException.ThrowIfNull(settings);
        MapHealth(app, "/health", DaemonHealth.ReadyTag, daemon);
        MapHealth(app, "/health/ready", DaemonHealth.ReadyTag, daemon);
        MapHealth(app, "/health/live", DaemonHealth.LiveTag, daemon);
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new HttpMethodMetadata(ReadMethods));

        byte[] secret = Encoding.UTF8.GetBytes(settings.SharedSecret ?? string.Empty);
        app.MapMethods("/positions/{id:long}", ReadMethods, async (long id, HttpContext http, CancellationToken ct) =>
            Authorized(http, secret) ?? await QueryAsync(daemon, new EngineCommand { Kind = CommandKind.QueryPosition, Aux = id }, ct).ConfigureAwait(false));
        app.MapMethods("/accounts/{id:long}", ReadMethods, async (long id, HttpContext http, CancellationToken ct) =>
            Authorized(http, secret) ?? await QueryAsync(daemon, new EngineCommand { Kind = CommandKind.QueryAccount, Account = id }, ct).ConfigureAwait(false));
    }

    private static void MapHealth(IEndpointRouteBuilder app, string path, string tag, DaemonService daemon)
        => app.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(tag),
            ResponseWriter = (context, report) => DaemonHealth.WriteAsync(context, report, daemon),
            AllowCachingResponses = false,
        }).WithMetadata(new HttpMethodMetadata(ReadMethods));

    /// <summary>Null when no secret is configured or the request carries it as a bearer token; else 401.</summary>
    private static IResult? Authorized(HttpContext http, byte[] secret)
    {
        if (secret.Length == 0)
        {
            return null;
        }

        string header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        bool ok = header.StartsWith(scheme, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..]), secret);
        return ok ? null : Results.Json(new { error = "unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
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
            balances = reply.Where(e => e.Kind == EventKind.AccountBalance).Select(e => new { asset = catalog.Assets[e.Asset], balance = Money(e.Balance), crossUsage = Money(e.CrossUsage), available = Money(e.Available) }),
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
