namespace InboxServerless.Core.Ports;

/// <summary>
/// Thrown by a store's list when the continuation token it is given is not one it can read (made up, cut, from another
/// list): the caller's mistake, which the API answers with a 400 naming the token, never a server error.
/// </summary>
public sealed class UnreadableContinuationToken(Exception inner) : Exception("Not a continuation token of this list.", inner);
