namespace InboxServerless.Core.Domain;

/// <summary>Who is replying: a person (an agent typing) or automation (instant reply, consent text, bots).</summary>
public enum ReplySender { Person, Automation }
