"""A browser-less console client for the HTTP tests."""

from __future__ import annotations

import re

import httpx

from ..service.conftest import Api


class Console:
    """A browser-less client: cookies, the sign-in form's token, the CSRF token."""

    def __init__(self, api: Api) -> None:
        self.client = httpx.AsyncClient(
            transport=api.transport, base_url="http://console.test", follow_redirects=False
        )
        self.csrf = ""

    async def sign_in(self, key: str, next_page: str = "/ui/calls") -> httpx.Response:
        form = await self.client.get("/ui/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        response = await self.client.post(
            "/ui/login", data={"api_key": key, "csrf": token.group(1), "next": next_page}
        )
        if response.status_code == 303:
            page = await self.client.get("/ui/calls")
            found = re.search(r'data-csrf="([^"]+)"', page.text)
            assert found is not None
            self.csrf = found.group(1)
        return response
