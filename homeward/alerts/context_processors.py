from homeward.access.rules import may_see_emails_sent


def account_links(request):
    """Whether the account bar offers the Emails sent page to the signed-in person."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {"may_see_emails_sent": signed_in and may_see_emails_sent(user)}
