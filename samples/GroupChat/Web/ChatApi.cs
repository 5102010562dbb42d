using System.Text.Json;
using Akka.Actor;
using GroupChat.Actors;
using GroupChat.Model;
using GroupChat.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace GroupChat.Web;

/// <summary>The JSON HTTP API the page uses and scripts call. It only translates: requests to actor messages, replies to JSON.</summary>
public static class ChatApi
{
    public const string TokenHeader = "X-Causal-Token";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);
    /// <summary>How long a request with <c>?after=TOKEN</c> waits for this node to catch up before answering 503.</summary>
    public static TimeSpan TokenWait { get; set; } = TimeSpan.FromSeconds(5);

    public sealed record CreateRoomBody(string? Name, string? Author);
    public sealed record PostBody(string? Author, string? Text, string? ReplyTo, string? Attachment);
    public sealed record ReactionBody(string? Author, string? Emoji);
    public sealed record AuthorBody(string? Author);
    public sealed record RemoveBody(string? Author, string? Person);
    public sealed record RenameBody(string? Author, string? Name);
    public sealed record LinkBody(string? Peer, string? Mode);
    public sealed record NodeBody(string? Node);

    public static void Map(WebApplication app, ChatNode node)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                await Write(context, Error(ChatError.Bad(e.Message)));
            }
        });

        app.MapGet("/api/node", () => Results.Json(new
        {
            name = node.Name,
            url = node.Url.ToString(),
            akka = node.Runtime?.Address.ToString(),
            running = node.Runtime is not null,
            cluster = node.Control?.Nodes.Select(n => new { name = n.Name, url = n.Url.ToString(), running = n.Runtime is not null, akka = n.Runtime?.Address.ToString() }),
        }));

        app.MapGet("/api/rooms", async () =>
        {
            var runtime = node.Runtime;
            if (runtime is null) return Down();
            var rooms = await runtime.Lobby.Ask<RoomCreated[]>(new GetRooms(), AskTimeout);
            return Results.Json(rooms.Select(r => new { id = r.RoomId, name = r.Name, admin = r.Admin }));
        });

        app.MapPost("/api/rooms", async (HttpContext http) =>
        {
            var runtime = node.Runtime;
            if (runtime is null) return Down();
            var (body, bad) = await ReadJson<CreateRoomBody>(http);
            if (bad is not null) return bad;
            var reply = await AskReply(runtime.Lobby, new CreateRoom(body!.Name!, body.Author!));
            if (reply.Error is not null) return Error(reply.Error);
            var created = (RoomCreated)reply.Value!;
            return Results.Json(new { id = created.RoomId, name = created.Name, admin = created.Admin }, statusCode: 201);
        });

        app.MapGet("/api/rooms/{room}", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var state = await actor.Ask<RoomState>(new GetRoomState(), AskTimeout);
            var token = await CausalSessions.TokenOfRead(http);
            return Results.Json(new { id = state.Id, name = state.Name, admin = state.Admin, people = state.People, member = state.Member, token });
        }));

        app.MapGet("/api/rooms/{room}/messages", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var limitText = http.Request.Query["limit"].ToString();
            var limit = int.MaxValue;
            if (limitText.Length > 0 && (!int.TryParse(limitText, out limit) || limit < 1))
                return Error(ChatError.Bad("limit is a positive number of messages (the latest are returned)."));
            var state = await actor.Ask<RoomState>(new GetRoomState(), AskTimeout);
            var token = await CausalSessions.TokenOfRead(http);
            var messages = state.Messages.Count > limit ? state.Messages.Skip(state.Messages.Count - limit) : state.Messages;
            return Results.Json(new { room = state.Id, name = state.Name, admin = state.Admin, people = state.People, member = state.Member, token, total = state.Messages.Count, messages });
        }));

        app.MapPost("/api/rooms/{room}/messages", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<PostBody>(http);
            if (bad is not null) return bad;
            return await Change(http, actor, new PostMessage(body!.Author ?? "", body.Text ?? "", Blank(body.ReplyTo), Blank(body.Attachment)), 201);
        }));

        app.MapPost("/api/rooms/{room}/messages/{id}/reactions", (HttpContext http, string room, string id) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<ReactionBody>(http);
            if (bad is not null) return bad;
            return await Change(http, actor, new ToggleReaction(body!.Author ?? "", id, body.Emoji ?? ""), 200);
        }));

        app.MapPost("/api/rooms/{room}/attachments", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var author = http.Request.Query["author"].ToString();
            var name = http.Request.Query["name"].ToString();
            var type = string.IsNullOrEmpty(http.Request.ContentType) ? "application/octet-stream" : http.Request.ContentType;
            if (http.Request.ContentLength > ChatLimits.MaxAttachmentBytes)
                return Error(ChatError.Bad($"An attachment has at most {ChatLimits.MaxAttachmentBytes} bytes; this one has {http.Request.ContentLength}."));
            var content = await ReadBounded(http, ChatLimits.MaxAttachmentBytes + 1);
            return await Change(http, actor, new UploadAttachment(author, name, type, content), 201);
        }));

        app.MapGet("/api/rooms/{room}/attachments/{id}", (HttpContext http, string room, string id) => WithRoom(http, node, room, async actor =>
        {
            var reply = await actor.Ask<ChatReply>(new GetAttachment(id), AskTimeout);
            if (reply.Error is not null) return Error(reply.Error);
            var file = (AttachmentUploaded)reply.Value!;
            return Results.File(file.Content, file.ContentType, file.FileName);
        }));

        app.MapPost("/api/rooms/{room}/people", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<AuthorBody>(http);
            return bad ?? await Change(http, actor, new JoinRoom(body!.Author ?? ""), 200);
        }));

        app.MapPost("/api/rooms/{room}/leave", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<AuthorBody>(http);
            return bad ?? await Change(http, actor, new LeaveRoom(body!.Author ?? ""), 200);
        }));

        app.MapPost("/api/rooms/{room}/remove", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<RemoveBody>(http);
            return bad ?? await Change(http, actor, new RemovePerson(body!.Author ?? "", body.Person ?? ""), 200);
        }));

        app.MapPost("/api/rooms/{room}/rename", (HttpContext http, string room) => WithRoom(http, node, room, async actor =>
        {
            var (body, bad) = await ReadJson<RenameBody>(http);
            return bad ?? await Change(http, actor, new RenameRoom(body!.Author ?? "", body.Name ?? ""), 200);
        }));

        app.MapGet("/api/members", async () =>
        {
            var runtime = node.Runtime;
            if (runtime is null) return Down();
            return Results.Json(await runtime.Lobby.Ask<NodeView[]>(new GetMembers(), AskTimeout));
        });

        app.MapGet("/api/causality", async (HttpContext http) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            var runtime = node.Runtime;
            if (runtime is null) return Down();
            var rooms = await runtime.Lobby.Ask<RoomCreated[]>(new GetRooms(), AskTimeout);
            var only = http.Request.Query["room"].ToString();
            var result = new List<RoomCausality>();
            foreach (var r in rooms.Where(r => only.Length == 0 || r.RoomId == only))
            {
                if (runtime.Room(r.RoomId) is { } actor) result.Add(await actor.Ask<RoomCausality>(new GetRoomCausality(), AskTimeout));
            }
            return Results.Json(new { node = node.Name, address = runtime.Address.ToString(), rooms = result });
        });

        app.MapGet("/api/events", async (HttpContext http) =>
        {
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var channel = node.Hub.Subscribe();
            // End the stream when the page goes away or the node stops (so shutdown does not wait for open pages).
            using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted,
                http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var cancel = done.Token;
            try
            {
                await http.Response.WriteAsync("event: hello\ndata: {}\n\n", cancel);
                await http.Response.Body.FlushAsync(cancel);
                while (await channel.Reader.WaitToReadAsync(cancel))
                {
                    var changed = new HashSet<string>();
                    while (channel.Reader.TryRead(out var what)) changed.Add(what);
                    await http.Response.WriteAsync($"event: change\ndata: {JsonSerializer.Serialize(changed)}\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    await Task.Delay(100, cancel); // coalesce bursts: at most ten updates a second per page
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                node.Hub.Unsubscribe(channel);
            }
        });

        // ---- controls of the in-process cluster ----

        app.MapPost("/api/control/link", async (HttpContext http) =>
        {
            var (body, bad) = await ReadJson<LinkBody>(http);
            if (bad is not null) return bad;
            var runtime = node.Runtime;
            if (runtime is null) return Down();
            if (!Enum.TryParse<LinkMode>(body!.Mode, ignoreCase: true, out var mode)) return Error(ChatError.Bad("mode is one of restore, slow, stall, cut."));
            var peer = node.Control?.Find(body.Peer ?? "")?.Runtime?.Address;
            if (peer is null)
            {
                try
                {
                    peer = Address.Parse($"akka.trttl.tcp://{NodeRuntime.SystemName}@{body.Peer}");
                }
                catch (Exception)
                {
                    return Error(ChatError.Bad($"peer '{body.Peer}' is neither a running node's name nor host:port."));
                }
            }
            var done = await LinkThrottle.Set(runtime.System, peer, mode);
            node.Hub.Publish("");
            return Results.Json(new { peer = peer.ToString(), mode = mode.ToString().ToLowerInvariant(), applied = done });
        });

        app.MapPost("/api/control/crash", async (HttpContext http) =>
        {
            var (body, bad) = await ReadJson<NodeBody>(http);
            if (bad is not null) return bad;
            if (node.Control?.Find(body!.Node ?? "") is not { } target) return Error(ChatError.NotFound($"No node '{body!.Node}' in this process (crash works in the in-process cluster)."));
            await target.CrashAsync();
            return Results.Json(new { node = target.Name, running = false });
        });

        app.MapPost("/api/control/restart", async (HttpContext http) =>
        {
            var (body, bad) = await ReadJson<NodeBody>(http);
            if (bad is not null) return bad;
            if (node.Control?.Find(body!.Node ?? "") is not { } target) return Error(ChatError.NotFound($"No node '{body!.Node}' in this process (restart works in the in-process cluster)."));
            var seeds = node.Control.Nodes.Where(n => n != target && n.Runtime is not null).Select(n => n.Runtime!.Address).ToList();
            await target.RestartAsync(seeds);
            return Results.Json(new { node = target.Name, running = true });
        });

        app.MapFallback("/api/{**rest}", () => Error(ChatError.NotFound("No such API endpoint.")));
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static async Task<IResult> WithRoom(HttpContext http, ChatNode node, string room, Func<IActorRef, Task<IResult>> action)
    {
        var runtime = node.Runtime;
        if (runtime is null) return Down();
        if (runtime.Room(room) is not { } actor) return Error(ChatError.NotFound($"No room '{room}'."));
        try
        {
            if (await CausalSessions.WaitForToken(http, actor, room, TokenWait) is { } refused) return Error(refused);
            return await action(actor);
        }
        catch (AskTimeoutException)
        {
            http.Response.Headers.RetryAfter = "2";
            return Error(new ChatError(ChatErrorKind.Unavailable, "The room did not answer in time (the node may be joining or changing views)."));
        }
    }

    private static async Task<IResult> Change(HttpContext http, IActorRef actor, RoomRequest request, int status)
    {
        var reply = await AskReply(actor, request);
        if (reply.Error is not null) return Error(reply.Error);
        var state = reply.Value as RoomState;
        await CausalSessions.TokenOfRead(http);
        return state is not null
            ? Results.Json(new { id = state.Id, name = state.Name, people = state.People }, statusCode: status)
            : Results.Json(reply.Value, statusCode: status);
    }

    private static Task<ChatReply> AskReply(IActorRef actor, object request) => actor.Ask<ChatReply>(request, AskTimeout);

    private static async Task<(T? Body, IResult? Error)> ReadJson<T>(HttpContext http) where T : class
    {
        try
        {
            var bytes = await ReadBounded(http, 64 * 1024);
            if (bytes.Length > 64 * 1024) return (null, Error(ChatError.Bad("The request body is larger than 64 KiB.")));
            var body = JsonSerializer.Deserialize<T>(bytes, ChatJson.Options);
            return body is null ? (null, Error(ChatError.Bad($"The request body must be a JSON object: {RequestShapes.Of<T>()}."))) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Error(ChatError.Bad(RequestShapes.Explain<T>(e))));
        }
    }

    private static async Task<byte[]> ReadBounded(HttpContext http, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit) break;
        }
        return buffer.ToArray();
    }

    private static IResult Down() => Error(new ChatError(ChatErrorKind.Unavailable, "This node is down (crashed or stopped); restart it from another node's page."));

    public static IResult Error(ChatError error) => Results.Json(new { error = error.Message, kind = error.Kind.ToString() }, statusCode: error.Kind switch
    {
        ChatErrorKind.BadRequest => 400,
        ChatErrorKind.NotFound => 404,
        ChatErrorKind.Forbidden => 403,
        ChatErrorKind.Conflict => 409,
        _ => 503,
    });

    private static Task Write(HttpContext context, IResult result) => result.ExecuteAsync(context);
}
