import re
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from peerhaven.accounts.models import User
PASSWORD = "violet-Harbour-rain-42"
def test_probe(new_page):
    page = new_page(viewport="phone")
    page.goto("/accounts/signup/")
    page.get_by_label("Display name").fill("Admin")
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD + "-typo")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    print(page.locator("form").inner_html())
    now = timezone.now()
    u = User.objects.create_user("m@example.org", PASSWORD, display_name="Quiet Harbor", guidelines_version=settings.GUIDELINES_VERSION, onboarded_at=now, guidelines_accepted_at=now)
    EmailAddress.objects.create(user=u, email="m@example.org", verified=True, primary=True)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("m@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$"))
    for url in ["/", "/help/", "/guidelines/", "/settings/profile/", "/notifications/", "/settings/privacy/", "/accounts/password/reset/"]:
        page.goto(url)
        print(url, page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))
    page.goto("/settings/profile/")
    page.get_by_label("Quiet hours start").fill("22:00")
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state()
    print(page.locator("main").inner_html())
