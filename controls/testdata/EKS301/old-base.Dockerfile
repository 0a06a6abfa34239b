# syntax=docker/dockerfile:1
# A custom Spark image for EMR on EKS, built on the 6.10.0 base image.
ARG EMR_RELEASE=emr-6.10.0
FROM --platform=linux/amd64 755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/${EMR_RELEASE}:latest AS spark
USER root
RUN pip3 install --no-cache-dir boto3==1.34.0
USER hadoop:hadoop
