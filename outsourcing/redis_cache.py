"""Django's built-in Redis cache backend, keeping one redis-py client per pool.

The built-in client makes a new `redis.Redis` for every cache operation, and with
redis-py 8 that copies some 170 response callbacks each time: about half the CPU
of a cached page's one round trip (docs/performance.md). Keeping the client is
safe: a `redis.Redis` holds no connection of its own, only its pool's, which
redis-py already shares between threads and resets after a fork. Keys are not
checked for memcached, which this backend never talks to. Everything else (pools,
options, serialisation, key making) is Django's own.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Redis takes any key. The base class walks every character of every key
        only to warn about keys memcached would refuse."""
