const nextConfig = {
  experimental: {
    outputStandalone: true,
  },
};

module.exports = nextConfig;
